package org.gradreg.trainer.compute;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Hand-run probe (issue 20): does splitting a GEMM's rows/columns change its bits, and what it costs. */
public final class GemmSplitProbe {
    public static void main(String[] x) {
        int[][] shapes = {{2176, 192, 64, 0, 0}, {2176, 64, 64, 0, 0}, {2176, 128, 64, 0, 0}, {2176, 64, 128, 0, 0},
            {64, 192, 2176, 1, 0}, {2176, 64, 192, 0, 1}, {128, 64, 2176, 1, 0}, {1040, 576, 192, 0, 0}, {192, 576, 1040, 1, 0}};
        int split = Integer.parseInt(x[0]);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            boolean ta = s[3] == 1, tb = s[4] == 1;
            INDArray a = ta ? Nd4j.rand(DataType.FLOAT, k, m) : Nd4j.rand(DataType.FLOAT, m, k);
            INDArray b = tb ? Nd4j.rand(DataType.FLOAT, n, k) : Nd4j.rand(DataType.FLOAT, k, n);
            a.subi(0.5); b.subi(0.5);
            INDArray c1 = Nd4j.create(DataType.FLOAT, m, n);
            INDArray c2 = Nd4j.create(DataType.FLOAT, m, n);
            openblas_nolapack.blas_set_num_threads(1);
            Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c1.data().addressPointer(), 0, n);
            boolean rows = m >= n;
            int len = rows ? m : n;
            int cut = Math.max(split, (len / 2 + split - 1) / split * split);
            int[] lo = {0, Math.min(cut, len)}, hi = {Math.min(cut, len), len};
            for (int p = 0; p < 2; p++) {
                int l = lo[p], h = hi[p];
                if (h <= l) continue;
                if (rows) {
                    Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, h - l, n, k, 1.0, a.data().addressPointer(), ta ? l : (long) l * k, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c2.data().addressPointer(), (long) l * n, n);
                } else {
                    Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, h - l, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), tb ? (long) l * k : l, (int) b.size(1), 0, c2.data().addressPointer(), l, n);
                }
            }
            boolean same = Arrays.equals(c1.data().asInt(), c2.data().asInt());
            // timing: unsplit at 1 and 2 OpenBLAS threads, split over 2 Java threads at 1
            long t1 = time(() -> Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c1.data().addressPointer(), 0, n));
            long ts = time(() -> IntStream.range(0, 2).parallel().forEach(p -> {
                int l = lo[p], h = hi[p];
                if (rows) {
                    Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, h - l, n, k, 1.0, a.data().addressPointer(), ta ? l : (long) l * k, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c2.data().addressPointer(), (long) l * n, n);
                } else {
                    Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, h - l, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), tb ? (long) l * k : l, (int) b.size(1), 0, c2.data().addressPointer(), l, n);
                }
            }));
            openblas_nolapack.blas_set_num_threads(2);
            INDArray c3 = Nd4j.create(DataType.FLOAT, m, n);
            Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c3.data().addressPointer(), 0, n);
            System.out.print("openblas 2t vs 1t: " + (Arrays.equals(c1.data().asInt(), c3.data().asInt()) ? "same  " : "DIFFER  "));
            long t2 = time(() -> Blas.call(false, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0, a.data().addressPointer(), 0, (int) a.size(1), b.data().addressPointer(), 0, (int) b.size(1), 0, c1.data().addressPointer(), 0, n));
            System.out.printf("%5d x %4d x %5d ta=%b tb=%b split %s at %d: bits %s; 1t %.1f us, 2t %.1f us, split2 %.1f us%n", m, n, k, ta, tb, rows ? "rows" : "cols", cut, same ? "same" : "DIFFER", t1 / 1e3, t2 / 1e3, ts / 1e3);
        }
    }

    static long time(Runnable r) {
        for (int i = 0; i < 50; i++) r.run();
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 50);
        }
        return best;
    }
}
