package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.nn.Engine;

/**
 * Refuses, before a run starts, a batch whose memory would exceed what the machine has, with a
 * message that names the batch size and the {@code --accumulate} that would fit — instead of being
 * killed by the kernel half-way. The estimate: the engine's activation buffers for one micro-batch,
 * plus parameter-sized arrays (values, gradients, optimizer moments, the estimator's copies and
 * the optimizer's temporaries: {@value #PARAMETER_COPIES} copies), plus a fixed allowance for the
 * JVM and ND4J themselves.
 */
public final class MemoryBudget {

    /** Parameter-sized arrays alive at once in the worst case (GNR with Adam: θ, g, m, v, saved θ, 3 gradients, temporaries). */
    static final int PARAMETER_COPIES = 12;
    /** The JVM, ND4J's native libraries and their buffers. */
    static final long BASE_BYTES = 700L << 20;

    private MemoryBudget() {
    }

    /** Device memory a GPU run keeps beside the activations: the CUDA context, cuBLAS's workspace and the allocator's slack. */
    static final long DEVICE_BASE_BYTES = 512L << 20;

    /**
     * Estimated resident host bytes of a run of this engine with micro-batches of {@code microBatch},
     * or −1 if unknown: on the CPU everything; with the model on a GPU the host keeps the parameters,
     * gradients and optimizer state only.
     */
    public static long estimate(Engine e, int microBatch) {
        long act = e.activationBytes(microBatch);
        if (act < 0) {
            return -1;
        }
        return BASE_BYTES + (e.backend().device().isCpu() ? act : 0) + PARAMETER_COPIES * e.parameterCount() * e.type().width();
    }

    /** Estimated device bytes still needed by a GPU run (activations, masks, scratch; the parameter mirrors are already allocated). */
    public static long deviceEstimate(Engine e, int microBatch) {
        long act = e.activationBytes(microBatch);
        return act < 0 ? -1 : DEVICE_BASE_BYTES + act;
    }

    /** Memory the machine can give this process: MemAvailable of /proc/meminfo (Linux), or −1 if unknown. */
    public static long available() {
        return org.gradreg.optim.MemoryProbe.host().availableBytes();
    }

    /**
     * One limit a run must fit: its size in bytes (−1: none), what it is, what to do when a run does
     * not fit it, and whether it bounds the ND4J arrays only (JavaCPP's off-heap limit) or the whole
     * process.
     */
    record Limit(long bytes, String what, String remedy, boolean arraysOnly) {
    }

    /**
     * The limits of {@code m} a run is checked against: the cgroup's (Slurm's --mem), the host's free memory, JavaCPP's limit on ND4J's arrays outside the
     * Java heap and on the process's resident memory (both follow -Xmx unless set).
     */
    static List<Limit> limits(MemoryLimits m) {
        List<Limit> l = new ArrayList<>();
        String heap = String.format(Locale.ROOT, "%.1f GB", m.maxHeap() / 1e9);
        if (m.cgroupLimit() > 0) {
            l.add(new Limit(m.cgroupLimit(), "memory limit of this process's cgroup (" + m.cgroupFile() + ", e.g. Slurm's --mem)",
                    "ask for more memory (Slurm: --mem)", false));
        }
        if (m.hostAvailable() > 0) {
            l.add(new Limit(m.hostAvailable(), "memory available on this machine (MemAvailable)", "free memory on this machine", false));
        }
        if (m.offHeapMax() > 0) {
            l.add(new Limit(m.offHeapMax(), "memory ND4J may use outside the Java heap (org.bytedeco.javacpp.maxbytes, by default -Xmx = " + heap + ")",
                    "raise -Xmx or -Dorg.bytedeco.javacpp.maxbytes in JAVA_OPTS", true));
        }
        if (m.physicalMax() > 0) {
            l.add(new Limit(m.physicalMax(), "resident memory JavaCPP allows this process (org.bytedeco.javacpp.maxphysicalbytes, by default 4 × -Xmx = 4 × "
                    + heap + ")", "raise -Xmx or -Dorg.bytedeco.javacpp.maxphysicalbytes in JAVA_OPTS", false));
        }
        return l;
    }

    /** Checks a run against the limits this process has (issue 22 item 8). */
    public static void check(Engine e, int batch, int accumulate) {
        check(e, batch, accumulate, MemoryLimits.current());
    }

    /**
     * {@link #check(Engine, int, int)} and, when the evaluation batch {@code evalBatch} (0: the
     * training batch) is larger than a training micro-batch, the evaluation too: the engines keep one
     * buffer set, sized for the batch they run, so an evaluation of {@code evalBatch} examples needs
     * {@link #estimate} at that size. A run whose evaluation would not fit is refused before it
     * starts, not killed at its first epoch end.
     */
    public static void checkRun(Engine e, int batch, int accumulate, int evalBatch) {
        MemoryLimits m = MemoryLimits.current();
        check(e, batch, accumulate, m);
        checkEvaluation(e, batch / accumulate, evalBatch, m);
    }

    /** The evaluation half of {@link #checkRun(Engine, int, int, int)} against the limits of {@code m}. */
    static void checkEvaluation(Engine e, int microBatch, int evalBatch, MemoryLimits m) {
        if (evalBatch <= microBatch) {
            return;
        }
        boolean gpu = !e.backend().device().isCpu();
        List<Limit> ls = new ArrayList<>(limits(m));
        // the tightest first, as for the training batch; the --eval-batch suggested fits every limit
        ls.sort(java.util.Comparator.comparingLong(l -> l.arraysOnly() ? l.bytes() + BASE_BYTES : l.bytes()));
        if (gpu) {
            ls.add(0, new Limit(e.backend().memory().availableBytes(), "memory available on " + e.backend().describe(), "use a smaller model", false));
        }
        List<java.util.function.ToLongBiFunction<Engine, Integer>> ests = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            ests.add(gpu && i == 0 ? MemoryBudget::deviceEstimate : estimator(ls.get(i)));
        }
        for (int i = 0; i < ls.size(); i++) {
            Limit l = ls.get(i);
            long need = ests.get(i).applyAsLong(e, evalBatch);
            if (need < 0 || l.bytes() <= 0 || need <= l.bytes()) {
                continue;
            }
            int fits = evalBatch;
            while (fits > microBatch && !fitsAll(e, fits, ls, ests)) {
                fits = Math.max(microBatch, fits / 2);
            }
            throw new BadInput(String.format(Locale.ROOT,
                    "evaluation batch %d of %s needs about %.1f GB%s, more than the %.1f GB %s; use --eval-batch %d (or 0: the training batch) or %s",
                    evalBatch, e.name(), need / 1e9, l.arraysOnly() ? " for its arrays" : "", l.bytes() / 1e9, l.what(), fits, l.remedy()));
        }
    }

    /** What a host limit bounds: the whole process ({@link #estimate}) or, for JavaCPP's off-heap limit, the ND4J arrays only. */
    private static java.util.function.ToLongBiFunction<Engine, Integer> estimator(Limit l) {
        return l.arraysOnly() ? (en, b) -> {
            long all = estimate(en, b);
            return all < 0 ? -1 : all - BASE_BYTES;
        } : MemoryBudget::estimate;
    }

    private static boolean fitsAll(Engine e, int batch, List<Limit> ls, List<java.util.function.ToLongBiFunction<Engine, Integer>> ests) {
        for (int i = 0; i < ls.size(); i++) {
            long need = ests.get(i).applyAsLong(e, batch);
            if (need >= 0 && ls.get(i).bytes() > 0 && need > ls.get(i).bytes()) {
                return false;
            }
        }
        return true;
    }

    /** {@link #checkEvaluation(Engine, int, int, MemoryLimits)} against {@code available} bytes of host memory. */
    public static void checkEvaluation(Engine e, int microBatch, int evalBatch, long available) {
        checkEvaluation(e, microBatch, evalBatch, new MemoryLimits(available, -1, null, Runtime.getRuntime().maxMemory(), -1, -1));
    }

    /**
     * Throws with a one-line message if a batch of {@code batch} split into {@code accumulate}
     * micro-batches would not fit one of the limits of {@code m}: naming the limit, where it comes
     * from, and the --accumulate that would fit or what to raise.
     */
    public static void check(Engine e, int batch, int accumulate, MemoryLimits m) {
        if (!e.backend().device().isCpu()) {
            check(e, batch, accumulate, new Limit(e.backend().memory().availableBytes(), "memory available on " + e.backend().describe(),
                    "use a smaller model", false), MemoryBudget::deviceEstimate);
        }
        // the tightest first, so that the --accumulate it suggests fits the others too
        List<Limit> ls = new ArrayList<>(limits(m));
        ls.sort(java.util.Comparator.comparingLong(l -> l.arraysOnly() ? l.bytes() + BASE_BYTES : l.bytes()));
        for (Limit l : ls) {
            check(e, batch, accumulate, l, estimator(l));
        }
    }

    /**
     * Throws with a one-line message if a batch of {@code batch} split into {@code accumulate}
     * micro-batches would need more than {@code available} bytes (no check if either is unknown).
     */
    public static void check(Engine e, int batch, int accumulate, long available) {
        check(e, batch, accumulate, new MemoryLimits(available, -1, null, Runtime.getRuntime().maxMemory(), -1, -1));
    }

    private static void check(Engine e, int batch, int accumulate, Limit limit, java.util.function.ToLongBiFunction<Engine, Integer> est) {
        long available = limit.bytes();
        long need = est.applyAsLong(e, batch / accumulate);
        if (need < 0 || available <= 0 || need <= available) {
            return;
        }
        int k = accumulate;
        while (k < batch && (batch % (2 * k) == 0) && est.applyAsLong(e, batch / (2 * k)) > available) {
            k *= 2;
        }
        int suggest = Math.min(batch, 2 * k);
        while (batch % suggest != 0) {
            suggest++;
        }
        boolean fits = est.applyAsLong(e, batch / suggest) <= available;
        throw new BadInput(String.format(Locale.ROOT,
                "batch %d%s of %s needs about %.1f GB%s, more than the %.1f GB %s; %s",
                batch, accumulate > 1 ? " (" + accumulate + " micro-batches)" : "", e.name(), need / 1e9,
                limit.arraysOnly() ? " for its arrays" : "", available / 1e9, limit.what(),
                fits ? "use --accumulate " + suggest + " (micro-batches of " + batch / suggest + ", same optimizer step), a smaller --batch, or "
                        + limit.remedy()
                        : limit.remedy() + ", or use a smaller --batch or model"));
    }
}
