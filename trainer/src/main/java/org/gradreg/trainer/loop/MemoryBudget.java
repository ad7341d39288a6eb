package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return org.gradreg.trainer.compute.CpuBackend.hostAvailableBytes();
    }

    /**
     * Throws with a one-line message if a batch of {@code batch} split into {@code accumulate}
     * micro-batches would need more than {@code available} bytes (no check if either is unknown).
     */
    public static void check(Engine e, int batch, int accumulate, long available) {
        if (!e.backend().device().isCpu()) {
            check(e, batch, accumulate, e.backend().availableBytes(), MemoryBudget::deviceEstimate, "memory on " + e.backend().describe());
        }
        check(e, batch, accumulate, available, MemoryBudget::estimate, "memory");
    }

    private static void check(Engine e, int batch, int accumulate, long available, java.util.function.ToLongBiFunction<Engine, Integer> est,
                              String what) {
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
                "batch %d%s of %s needs about %.1f GB of %s, more than the %.1f GB available; %s",
                batch, accumulate > 1 ? " (" + accumulate + " micro-batches)" : "", e.name(), need / 1e9, what, available / 1e9,
                fits ? "use --accumulate " + suggest + " (micro-batches of " + batch / suggest + ", same optimizer step) or a smaller --batch"
                        : "use a smaller --batch or model"));
    }
}
