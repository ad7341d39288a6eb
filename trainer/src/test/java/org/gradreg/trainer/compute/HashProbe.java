package org.gradreg.trainer.compute;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hand-run probe (issue 20): hashes of the FLOAT layer norm (forward, backward) and softmax
 * backward outputs for fixed inputs, at the thread cap given; run against two builds' classes to
 * check that a kernel rewrite kept every bit (2026-12-07: the heap-block and four-row kernels
 * against 82f1d67, equal at caps 1 and 2).
 */
public final class HashProbe {
    static INDArray rnd(long seed, long... shape) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long n = 1; for (long d : shape) n *= d;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
        return Nd4j.createFromArray(v).reshape('c', shape).dup('c');
    }
    static int h(INDArray a) { return Arrays.hashCode(a.data().asInt()); }
    public static void main(String[] a) {
        Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(a[0]));
        StringBuilder sb = new StringBuilder();
        for (int rows : new int[] {2176, 2177, 8219}) {
            for (int dim : new int[] {64, 72, 17}) {
                INDArray x = rnd(1, rows, dim), g = rnd(2, 1, dim), b = rnd(3, 1, dim), dy = rnd(4, rows, dim);
                INDArray xh = x.ulike(), rs = Nd4j.create(DataType.FLOAT, rows, 1), y = x.ulike(), dx = x.ulike();
                INDArray dg = rnd(5, 1, dim), db = rnd(6, 1, dim);
                HostKernels.layerNormForward(x, g, b, 1e-6, xh, rs, y);
                HostKernels.layerNormBackward(dy, xh, rs, g, dg, db, dx);
                INDArray p = rnd(7, rows, dim), d = rnd(8, rows, dim);
                HostKernels.softmaxBackward(d, p, dim);
                sb.append(String.format("%d x %d: %08x %08x %08x %08x %08x %08x %08x%n", rows, dim, h(xh), h(rs), h(y), h(dx), h(dg), h(db), h(d)));
            }
        }
        System.out.print(sb);
    }
}
