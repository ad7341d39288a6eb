package org.gradreg.trainer.compute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hand-run probe (issue 20, docs/trainer-benchmark.md "Winograd"): a convolution's forward GEMM
 * [out×K]·[K×P] on one thread, thread CPU and GFLOP/s: the whole product after building its columns,
 * the product in column tiles of the given width (each tile's columns built just before), the GEMM alone,
 * and the transposed product. Arguments: out K P tile threads repeats (each thread runs its own copy).
 */
public final class GemmTileProbe {
    public static void main(String[] args) throws Exception {
        int m = Integer.parseInt(args[0]), k = Integer.parseInt(args[1]), p = Integer.parseInt(args[2]);
        int tile = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        int reps = Integer.parseInt(args[5]);
        Nd4j.create(1); Blas.oneThread();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> run(m, k, p, tile, reps));
            ts[t].start();
        }
        for (Thread t : ts) t.join();
    }

    static void run(int m, int k, int p, int tile, int reps) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        float[] src = new float[k * p];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < src.length; i++) src[i] = r.nextFloat();
        DataBuffer a = Nd4j.createBuffer(DataType.FLOAT, (long) m * k, false);
        DataBuffer b = Nd4j.createBuffer(DataType.FLOAT, (long) k * p, false);
        DataBuffer c = Nd4j.createBuffer(DataType.FLOAT, (long) m * p, false);
        for (int i = 0; i < m * k; i++) a.put(i, r.nextFloat());
        Pointer pa = a.addressPointer(), pb = b.addressPointer(), pc = c.addressPointer();
        FloatBuffer bb = b.asNioFloat();
        float[] row = new float[p];
        double flop = 2.0 * m * k * p;
        for (int round = 0; round < 6; round++) {
            for (int variant = 0; variant < 4; variant++) {
                long t0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int rep = 0; rep < reps; rep++) {
                    if (variant == 0) {
                        for (int i = 0; i < k; i++) { bb.put(i * p, src, i * p, p); }
                        Blas.call(false, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans, m, p, k, 1.0, pa, 0, k, pb, 0, p, 0.0, pc, 0, p);
                    } else if (variant == 2) {
                        Blas.call(false, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans, m, p, k, 1.0, pa, 0, k, pb, 0, p, 0.0, pc, 0, p);
                    } else if (variant == 3) {
                        Blas.call(false, openblas_nolapack.CblasTrans, openblas_nolapack.CblasTrans, p, m, k, 1.0, pb, 0, p, pa, 0, k, 0.0, pc, 0, m);
                    } else {
                        for (int j0 = 0; j0 < p; j0 += tile) {
                            int nt = Math.min(tile, p - j0);
                            for (int i = 0; i < k; i++) { bb.put(i * nt, src, i * p + j0, nt); }
                            Blas.call(false, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans, m, nt, k, 1.0, pa, 0, k, pb, 0, nt, 0.0, pc, j0, p);
                        }
                    }
                }
                double cpu = (mx.getCurrentThreadCpuTime() - t0) / 1e9 / reps;
                double wall = (System.nanoTime() - w0) / 1e9 / reps;
                System.out.printf("%s %s: %.3f ms cpu (%.0f GFLOP/s), %.3f ms wall%n", Thread.currentThread().getName(),
                        new String[] {"whole+copy", "tile+copy " + tile, "gemm only", "transposed out"}[variant], cpu * 1e3, flop / cpu / 1e9, wall * 1e3);
            }
        }
    }
}
