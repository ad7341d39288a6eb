package org.gradreg.trainer.compute;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hand-run: wall time of one convolution's forward and backward (with dx) by Winograd and by the
 * backend's im2col path, a hash of Winograd's outputs, and Winograd's 16 forward GEMMs alone (the same sizes, one thread each
 * as the path runs them), median of {@code repeats}. Arguments: batch in height width out threads repeats [largest channels-last plane].
 */
public final class WinogradBench {
    private WinogradBench() {
    }

    public static void main(String[] a) {
        int b = Integer.parseInt(a[0]);
        int in = Integer.parseInt(a[1]);
        int h = Integer.parseInt(a[2]);
        int wd = Integer.parseInt(a[3]);
        int out = Integer.parseInt(a[4]);
        int threads = Integer.parseInt(a[5]);
        int reps = Integer.parseInt(a[6]);
        if (a.length > 7) {
            Winograd.channelsLastPlane = Integer.parseInt(a[7]);
        }
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        CpuBackend.blasThreads(threads);
        ConvShape s = new ConvShape(b, in, h, wd, out, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(1);
        INDArray x = rand(r, b, in, h, wd);
        INDArray w = rand(r, 3, 3, in, out);
        INDArray dy = rand(r, b, out, h, wd);
        INDArray y = Nd4j.create(DataType.FLOAT, b, out, h, wd);
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dw = Nd4j.create(DataType.FLOAT, w.shape());
        Winograd wg = new Winograd();
        try (CpuBackend be = new CpuBackend(DataType.FLOAT)) {
            be.convolutions("im2col");
            Tensor tx = CpuBackend.wrap(x);
            Tensor tw = CpuBackend.wrap(w);
            Tensor ty = CpuBackend.wrap(y);
            Tensor tdy = CpuBackend.wrap(dy);
            Tensor tdw = CpuBackend.wrap(dw);
            Tensor tdx = CpuBackend.wrap(dx);
            double[][] t = new double[4][reps];
            for (int k = 0; k < reps; k++) {
                long t0 = System.nanoTime();
                wg.forward(s, x, w, y);
                long t1 = System.nanoTime();
                wg.backward(s, x, w, dy, dw, dx);
                long t2 = System.nanoTime();
                be.conv2d(s, tx, tw, ty);
                long t3 = System.nanoTime();
                be.conv2dBackward(s, tx, tw, tdy, tdw, tdx);
                long t4 = System.nanoTime();
                t[0][k] = (t1 - t0) / 1e6;
                t[1][k] = (t2 - t1) / 1e6;
                t[2][k] = (t3 - t2) / 1e6;
                t[3][k] = (t4 - t3) / 1e6;
            }
            wg.forward(s, x, w, y);
            wg.backward(s, x, w, dy, dw, dx);
            long hash = 17;
            for (INDArray result : new INDArray[] {y, dx, dw}) {
                hash = 31 * hash + java.util.Arrays.hashCode(result.data().asFloat());
            }
            System.out.printf("Winograd outputs' hash %016x (to compare codes bit for bit)%n", hash);
            int g = Winograd.group(s);
            int cols = g * Winograd.slots(s);
            int groups = (b + g - 1) / g;
            org.nd4j.linalg.api.buffer.DataBuffer ub = Nd4j.createBuffer(DataType.FLOAT, (long) 16 * in * out, true);
            org.nd4j.linalg.api.buffer.DataBuffer vb = Nd4j.createBuffer(DataType.FLOAT, (long) 16 * in * cols, true);
            org.nd4j.linalg.api.buffer.DataBuffer mb = Nd4j.createBuffer(DataType.FLOAT, (long) 16 * out * cols, true);
            double[] gm = new double[reps];
            for (int k = 0; k < reps; k++) {
                long t0 = System.nanoTime();
                for (int j = 0; j < groups; j++) {
                    for (int xi = 0; xi < 16; xi++) {
                        Blas.call(false, org.bytedeco.openblas.global.openblas_nolapack.CblasTrans, org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans,
                                out, cols, in, 1.0, ub.addressPointer(), (long) xi * out * in, out, vb.addressPointer(), (long) xi * in * cols, cols, 0.0,
                                mb.addressPointer(), (long) xi * out * cols, cols);
                    }
                }
                gm[k] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("the forward's %d GEMMs alone on one thread (%d x %d x %d): %.2f ms%n", 16 * groups, out, cols, in, med(gm));
            System.out.printf("%s %s, threads %d: winograd fwd %.2f bwd %.2f ms; im2col fwd %.2f bwd %.2f ms (medians of %d)%n", s,
                    Winograd.channelsLast(s) ? "channels-last" : "planar", threads, med(t[0]), med(t[1]), med(t[2]), med(t[3]), reps);
        }
    }

    private static double med(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    static INDArray rand(SplittableRandom r, long... shape) {
        INDArray a = Nd4j.create(DataType.FLOAT, shape);
        long n = a.length();
        float[] f = new float[(int) n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextDouble() * 2 - 1);
        }
        a.data().setData(f);
        return a;
    }
}
