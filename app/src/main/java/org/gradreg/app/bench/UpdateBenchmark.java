package org.gradreg.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.gradreg.optim.Params;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The update rules' own time (issue 20): one {@code rule.apply} over ViT-Ti's parameter tensors
 * (5,362,762 FLOAT elements in 152 tensors, the shapes of gnp's CIFAR ViT-Ti), with the fused
 * one-pass kernels ({@code -Dgradreg.fusedUpdates=true}, the default) and with the op-by-op ND4J
 * form ({@code false}), alternating the two inside each repetition so that both see the same
 * machine. The gradient is restored from a stored copy before every timed update (untimed), since
 * rules may overwrite it. Companion: {@code bench/torch_optim_step.py} times torch's AdamW, Adam,
 * SGD on the same shapes.
 */
public final class UpdateBenchmark {

    private UpdateBenchmark() {
    }

    /** ViT-Ti (patch 4, D 192, MLP 768, 12 blocks, 10 classes) parameter shapes, as in bench/torch_reference.py. */
    static List<long[]> vitTiShapes() {
        List<long[]> s = new ArrayList<>();
        int d = 192;
        s.add(new long[] {48, d}); // patch embedding
        s.add(new long[] {d});
        s.add(new long[] {1, d}); // cls
        s.add(new long[] {65, d}); // positions
        for (int b = 0; b < 12; b++) {
            s.add(new long[] {d});
            s.add(new long[] {d});
            s.add(new long[] {d, 3 * d});
            s.add(new long[] {3 * d});
            s.add(new long[] {d, d});
            s.add(new long[] {d});
            s.add(new long[] {d});
            s.add(new long[] {d});
            s.add(new long[] {d, 4 * d});
            s.add(new long[] {4 * d});
            s.add(new long[] {4 * d, d});
            s.add(new long[] {d});
        }
        s.add(new long[] {d});
        s.add(new long[] {d});
        s.add(new long[] {d, 10});
        s.add(new long[] {10});
        return s;
    }

    static Map<String, Supplier<UpdateRule>> rules() {
        Map<String, Supplier<UpdateRule>> r = new LinkedHashMap<>();
        r.put("AdamW (wd 0.03)", () -> AdamW.of(1e-4, 0.03));
        r.put("Adam", () -> Adam.of(1e-4));
        r.put("SGD momentum 0.9", () -> Sgd.of(0.1).momentum(0.9));
        r.put("SGD Nesterov 0.9", () -> Sgd.of(0.1).momentum(0.9).nesterov());
        r.put("Adan (no_prox, wd 0.02)", () -> Adan.of(1e-3).weightDecay(0.02).noProx());
        r.put("Adan (no_prox, wd 0.02, max_grad_norm 5)", () -> Adan.of(1e-3).weightDecay(0.02).noProx().maxGradNorm(5));
        return r;
    }

    /** Median milliseconds per update of each rule, fused and op-by-op, as one Markdown table. */
    public static String run(int repeats) {
        List<long[]> shapes = vitTiShapes();
        SplittableRandom rnd = new SplittableRandom(11);
        Map<String, INDArray> p = new LinkedHashMap<>();
        Map<String, INDArray> g = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < shapes.size(); i++) {
            p.put("p" + i, random(rnd, shapes.get(i), 0.02));
            g.put("p" + i, random(rnd, shapes.get(i), 1e-3));
            total += p.get("p" + i).length();
        }
        Params params = Params.of(p);
        Params stored = Params.of(g);
        Params gradient = stored.copy();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d FLOAT parameters in %d tensors (ViT-Ti's shapes); ND4J threads %d; %d repetitions, "
                + "fused and op-by-op alternating; median ms per update; CPU ms: the CPU time over the update of the JVM's Java "
                + "threads, summed (the backend's own threads included; ND4J's and OpenBLAS's native threads are not visible to it).%n%n", total, shapes.size(),
                Nd4j.getEnvironment().maxMasterThreads(), repeats));
        md.append("| rule | fused, ms | op-by-op, ms | op-by-op ÷ fused | fused, CPU ms | op-by-op, CPU ms | ÷ (CPU) |\n"
                + "|---|---|---|---|---|---|---|\n");
        String before = System.getProperty("gradreg.fusedUpdates");
        try {
            for (Map.Entry<String, Supplier<UpdateRule>> e : rules().entrySet()) {
                UpdateRule fused = e.getValue().get();
                UpdateRule plain = e.getValue().get();
                List<Double> tf = new ArrayList<>();
                List<Double> tp = new ArrayList<>();
                List<Double> cf = new ArrayList<>();
                List<Double> cp = new ArrayList<>();
                for (int r = 0; r < repeats + 3; r++) {
                    double[] a = time(fused, params, gradient, stored, r, true);
                    double[] b = time(plain, params, gradient, stored, r, false);
                    if (r >= 3) { // warm-up: JIT, first-step state allocation
                        tf.add(a[0]);
                        tp.add(b[0]);
                        cf.add(a[1]);
                        cp.add(b[1]);
                    }
                }
                double mf = median(tf);
                double mp = median(tp);
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n", e.getKey(), mf, mp, mp / mf,
                        median(cf), median(cp), median(cp) / median(cf)));
            }
        } finally {
            if (before == null) {
                System.clearProperty("gradreg.fusedUpdates");
            } else {
                System.setProperty("gradreg.fusedUpdates", before);
            }
        }
        return md.toString();
    }

    /**
     * {wall ms, CPU ms of the JVM's Java threads} of one update (the CPU time leaves out what a shared machine's other
     * processes take; all the Java threads, not this thread's only, so that an update split over the backend's threads counts all of them: before
     * 2026-12-08 this column counted the calling thread only).
     */
    private static double[] time(UpdateRule rule, Params params, Params gradient, Params stored, long step, boolean fused) {
        for (Map.Entry<String, INDArray> e : gradient) {
            e.getValue().assign(stored.get(e.getKey()));
        }
        System.setProperty("gradreg.fusedUpdates", Boolean.toString(fused));
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        rule.apply(params, gradient, step);
        long t1 = System.nanoTime();
        long c1 = processCpuNanos();
        return new double[] {(t1 - t0) / 1e6, (c1 - c0) / 1e6};
    }

    /**
     * The CPU time of the JVM's live Java threads, summed (each thread's own clock, nanosecond resolution; the
     * operating system's figure for the whole process, native threads included, moves in 10 ms ticks here).
     */
    private static long processCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[a.length / 2];
    }

    private static INDArray random(SplittableRandom rnd, long[] shape, double scale) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * (rnd.nextDouble() * 2 - 1));
        }
        return Nd4j.createFromArray(v).reshape('c', shape).dup('c');
    }
}
