package org.gradreg.trainer.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Engines;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-run harness for the convolution path (issue 20), not a test: {@code main} with
 * <ul>
 * <li>{@code step MODEL CHANNELS IMAGE BATCH STEPS THREADS}: the median (and every) time of a bare
 * training forward + backward ({@link Engine#lossAndGradients}, FLOAT) after two warm-ups;</li>
 * <li>{@code hash MODEL CHANNELS IMAGE BATCH TYPE [MASKS]}: a fingerprint of four SGD steps (losses, logits,
 * gradients, running statistics, bit patterns) to compare two builds bit for bit; {@code MASKS}
 * {@code none} (default), {@code host} (a fresh set of host masks per step, from a Java stream) or
 * {@code drawn} ({@link Dropout.Drawn}, seed = the step) puts dropout on at every site;</li>
 * <li>{@code hashes}: {@code hash} for each line of standard input ("MODEL CHANNELS IMAGE BATCH TYPE
 * [MASKS]"), in one JVM.</li>
 * </ul>
 * Compiled against the class path and run twice, alternating, with the classes of the build
 * before and after a change first on the class path (docs/trainer-benchmark.md).
 */
public final class ConvOpsBench {

    private ConvOpsBench() {
    }

    public static void main(String[] a) throws java.io.IOException {
        if (a[0].equals("hashes")) {
            // one "MODEL CHANNELS IMAGE BATCH TYPE [MASKS]" per line of standard input, in one JVM
            for (String line : new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).lines().toList()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] w = line.trim().split("\\s+");
                    System.out.println(hash(w[0], Integer.parseInt(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]),
                            DataType.valueOf(w[4]), w.length > 5 ? w[5] : "none"));
                }
            }
            return;
        }
        String model = a[1];
        int channels = Integer.parseInt(a[2]);
        int image = Integer.parseInt(a[3]);
        int batch = Integer.parseInt(a[4]);
        if (a[0].equals("step")) {
            Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(a[6]));
            step(model, channels, image, batch, Integer.parseInt(a[5]));
        } else {
            System.out.println(hash(model, channels, image, batch, DataType.valueOf(a[5]), a.length > 6 ? a[6] : "none"));
        }
    }

    static Batch batch(int n, int channels, int image) {
        Batch b = Batches.training(SyntheticCifar.generate(Math.max(n, 64), 8, 10, image, 3).train(), n, false, 1).get(0, 0);
        if (channels == b.channels()) {
            return b;
        }
        int plane = b.height() * b.width();
        float[] x = new float[b.size() * channels * plane];
        for (int i = 0; i < b.size(); i++) {
            System.arraycopy(b.images(), i * b.channels() * plane, x, i * channels * plane, channels * plane);
        }
        return new Batch(x, b.labels(), b.size(), channels, b.height(), b.width());
    }

    static INDArray target(Batch b, int classes, DataType t) {
        INDArray y = Nd4j.zeros(t, b.size(), classes);
        for (int i = 0; i < b.size(); i++) {
            y.putScalar(i, b.labels()[i] % classes, 1.0);
        }
        return y;
    }

    static void step(String model, int channels, int image, int batch, int steps) {
        Engine e = Engines.build(model, channels, image, 10, DataType.FLOAT, 1);
        Batch b = batch(batch, channels, image);
        INDArray in = e.input(b);
        INDArray y = target(b, 10, DataType.FLOAT);
        List<Double> ts = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> proc = new ArrayList<>();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int s = 0; s < steps + 2; s++) {
            long p0 = os.getProcessCpuTime();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            e.lossAndGradients(in, y, Map.of(), false, true);
            double dt = (System.nanoTime() - t0) / 1e9;
            double dc = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            double dp = (os.getProcessCpuTime() - p0) / 1e9;
            if (s >= 2) {
                ts.add(dt);
                cpu.add(dc);
                proc.add(dp);
            }
        }
        double[] v = ts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] u = cpu.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        // at one thread (the cap, OPENBLAS_NUM_THREADS=1) the calling thread's CPU time is the step's work,
        // less sensitive than the wall time to a shared machine's scheduling
        double[] q = proc.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s b%d: median %.4f s wall, %.4f s thread CPU, %.4f s process CPU; wall %s, process CPU %s%n", model,
                batch, v[v.length / 2], u[u.length / 2], q[q.length / 2], ts, proc);
    }

    /** Four SGD steps (learning rate 0.05) from seed 1; a hash of every bit the steps produce. */
    static String hash(String model, int channels, int image, int batch, DataType t, String masks) {
        Engine e = Engines.build(model, channels, image, 10, t, 1);
        Batch b = batch(batch, channels, image);
        INDArray in = e.input(b);
        INDArray y = target(b, 10, t);
        long h = 1125899906842597L;
        double last = 0;
        for (int s = 0; s < 4; s++) {
            Dropout d = switch (masks) {
                case "none" -> Dropout.NONE;
                case "host" -> new Dropout.Host(hostMasks(e, batch, t, 100 + s));
                case "drawn" -> new Dropout.Drawn(s);
                default -> throw new IllegalArgumentException("masks: none, host or drawn, not " + masks);
            };
            Engine.Result r = e.lossAndGradients(in, y, d, false, true);
            last = r.loss();
            h = mix(h, Double.doubleToRawLongBits(r.loss()));
            h = mix(h, r.logits());
            for (Map.Entry<String, INDArray> g : r.gradients().entrySet()) {
                h = mix(h, g.getValue());
                e.parameters().get(g.getKey()).subi(g.getValue().mul(0.05));
            }
            for (INDArray st : e.runningStatistics().values()) {
                h = mix(h, st);
            }
        }
        h = mix(h, Double.doubleToRawLongBits(e.loss(in, y, Map.of(), true).loss()));
        return String.format(Locale.ROOT, "%s %s b%d masks %s: loss %.6f hash %016x", model, t, batch, masks, last, h);
    }

    /** {@link Fixtures#masks} in the engine's type. */
    private static Map<String, INDArray> hostMasks(Engine e, int batch, DataType t, long seed) {
        Map<String, INDArray> m = new java.util.HashMap<>();
        Fixtures.masks(e, batch, seed).forEach((k, v) -> m.put(k, v.castTo(t)));
        return m;
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x9E3779B97F4A7C15L; // the shift folds high bits down, so a FLOAT's zero low bits do not stay in the low bits
        return x ^ (x >>> 31);
    }

    private static long mix(long h, INDArray a) {
        for (double d : a.dup().data().asDouble()) {
            h = mix(h, Double.doubleToRawLongBits(d));
        }
        return mix(h, Arrays.hashCode(a.shape()));
    }
}
