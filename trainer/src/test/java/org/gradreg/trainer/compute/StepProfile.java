package org.gradreg.trainer.compute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.gradreg.trainer.nn.Architectures;
import org.gradreg.trainer.nn.Engine;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-run profile of the cnn-small training step (issue 20), not a test: the CPU backend behind
 * a proxy that adds up the calling thread's CPU time per backend call (convolutions per layer
 * shape), then im2col and col2im alone at each convolution's shape, so the convolutions split into
 * GEMM and column work. {@code main WIDTH BATCH STEPS [THREADS]}, or {@code main resnet18 BATCH
 * STEPS [THREADS]} for the CIFAR ResNet-18 (width 64, 3×32×32), or {@code main MODEL_SPEC BATCH STEPS [THREADS]} for
 * any registered model on 1×28×28 input (e.g. {@code vit-nano:patch=7}; no dropout masks; neither with the column-work section); at one thread (the cap, OpenBLAS,
 * OpenMP) the clock is the calling thread's CPU time; with THREADS &gt; 1 (the cap; the work then runs
 * on several threads) it is wall time, so run it on an otherwise idle machine. {@code -Dprofile.gemmShapes=true}
 * splits the GEMMs by operand shapes, transposition and β.
 */
public final class StepProfile {

    private StepProfile() {
    }

    public static void main(String[] a) throws Exception {
        boolean resnet = a[0].equals("resnet18");
        boolean spec = !resnet && !a[0].matches("\\d+");
        int width = resnet || spec ? 64 : Integer.parseInt(a[0]);
        int batch = Integer.parseInt(a[1]);
        int steps = Integer.parseInt(a[2]);
        int threads = a.length > 3 ? Integer.parseInt(a[3]) : 1;
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(Integer.getInteger("profile.opThreads", threads));
        CpuBackend.blasThreads(threads);
        ThreadMXBean real = ManagementFactory.getThreadMXBean();
        java.util.function.LongSupplier clock = threads > 1 || Boolean.getBoolean("profile.wall") ? System::nanoTime : real::getCurrentThreadCpuTime;
        CpuBackend cpu = new CpuBackend(DataType.FLOAT);
        Map<String, long[]> acc = new TreeMap<>();
        boolean[] on = {false};
        Backend be = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
            long c0 = clock.getAsLong();
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (on[0]) {
                    String key = m.getName();
                    if (args != null && args.length > 0 && args[0] instanceof ConvShape s) {
                        key += " " + s.in() + "->" + s.out() + " " + s.height() + "x" + s.width();
                    } else if (key.equals("gemm") && Boolean.getBoolean("profile.gemmShapes")) { // -Dprofile.gemmShapes=true: one line per shape
                        key += " " + java.util.Arrays.toString(((Tensor) args[0]).shape()) + ((Boolean) args[1] ? "ᵀ" : "") + " · "
                                + java.util.Arrays.toString(((Tensor) args[2]).shape()) + ((Boolean) args[3] ? "ᵀ" : "") + " β=" + args[6];
                    } else if (key.startsWith("maxPool") || key.startsWith("batchNorm")) {
                        key += " " + java.util.Arrays.toString(((Tensor) args[0]).shape());
                    }
                    long[] v = acc.computeIfAbsent(key, k -> new long[2]);
                    v[0] += clock.getAsLong() - c0;
                    v[1]++;
                }
            }
        });
        Engine e = spec ? org.gradreg.trainer.model.Models.parse(a[0], 1, 28).engine(10, be, 1)
                : resnet ? Architectures.resnet18("resnet18", width, 2, 3, 32, 10, be, 1) : Architectures.cnnSmall("cnn-small", width, 1, 28, 10, be, 1);
        INDArray x;
        if (spec) {
            float[] img = new float[batch * 28 * 28];
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < img.length; i++) {
                img[i] = r.nextFloat();
            }
            x = e.input(new org.gradreg.trainer.data.Batch(img, new int[batch], batch, 1, 28, 28));
        } else {
            x = resnet ? Nd4j.rand(DataType.FLOAT, batch, 3, 32, 32) : Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1.0);
        }
        long total = 0;
        for (int s = 0; s < steps + 2; s++) {
            on[0] = s >= 2;
            long c0 = clock.getAsLong();
            e.lossAndGradients(x, y, Map.of(), false, true);
            if (s >= 2) {
                total += clock.getAsLong() - c0;
            }
        }
        long inOps = 0;
        System.out.printf(Locale.ROOT, "%s width %d batch %d, %d thread(s): %.4f s %s a step (mean of %d)%n", spec ? a[0] : resnet ? "resnet18" : "cnn-small", width, batch, threads, total / 1e9 / steps, threads > 1 || Boolean.getBoolean("profile.wall") ? "wall" : "thread CPU", steps);
        for (Map.Entry<String, long[]> en : acc.entrySet()) {
            inOps += en.getValue()[0];
            System.out.printf(Locale.ROOT, "  %-40s %8.2f ms  %5.1f%%  (%d calls a step)%n", en.getKey(), en.getValue()[0] / 1e6 / steps,
                    100.0 * en.getValue()[0] / total, en.getValue()[1] / steps);
        }
        System.out.printf(Locale.ROOT, "  %-40s %8.2f ms  %5.1f%%%n", "outside backend calls", (total - inOps) / 1e6 / steps,
                100.0 * (total - inOps) / total);
        if (spec) {
            return;
        }
        // the column work alone, at each convolution's shape, one example at a time as the interleaved path
        int w = width;
        ConvShape[] shapes = resnet
                ? new ConvShape[] {new ConvShape(batch, 64, 32, 32, 64, 3, 1, 1), new ConvShape(batch, 128, 16, 16, 128, 3, 1, 1),
                    new ConvShape(batch, 256, 8, 8, 256, 3, 1, 1), new ConvShape(batch, 512, 4, 4, 512, 3, 1, 1)}
                : new ConvShape[] {new ConvShape(batch, 1, 28, 28, w, 3, 1, 1), new ConvShape(batch, w, 28, 28, w, 3, 1, 1),
                    new ConvShape(batch, w, 14, 14, 2 * w, 3, 1, 1), new ConvShape(batch, 2 * w, 14, 14, 2 * w, 3, 1, 1)};
        for (ConvShape s : shapes) {
            INDArray in = Nd4j.rand(DataType.FLOAT, s.batch(), s.in(), s.height(), s.width());
            DataBuffer cols = Nd4j.createBuffer(DataType.FLOAT, s.columnRows() * s.positions(), false);
            long ti = 0;
            long tc = 0;
            for (int r = 0; r < steps + 2; r++) {
                long c0 = clock.getAsLong();
                for (int i = 0; i < s.batch(); i++) {
                    Im2col.im2col(s, in, cols, i, i + 1);
                }
                long c1 = clock.getAsLong();
                for (int i = 0; i < s.batch(); i++) {
                    Im2col.col2im(s, cols, in, i, i + 1);
                }
                long c2 = clock.getAsLong();
                if (r >= 2) {
                    ti += c1 - c0;
                    tc += c2 - c1;
                }
            }
            System.out.printf(Locale.ROOT, "  im2col %d->%d %dx%d: %.2f ms, col2im %.2f ms%n", s.in(), s.out(), s.height(), s.width(),
                    ti / 1e6 / steps, tc / 1e6 / steps);
        }
    }
}
