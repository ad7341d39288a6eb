package org.gradreg.trainer.compute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-run timing, not a test: the CPU backend's FLOAT layer norm forward and backward on
 * N(0, 1) rows ({@code main ROWS DIM ROUNDS}; ViT-Ti at batch 32: 2080 192), thread CPU per
 * element at one thread.
 */
public final class LayerNormBench {

    private LayerNormBench() {
    }

    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]);
        int dim = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[rows * dim];
        float[] g = new float[rows * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
        }
        INDArray x = Nd4j.createFromArray(v).reshape(rows, dim);
        INDArray dy = Nd4j.createFromArray(g).reshape(rows, dim);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, dim);
        INDArray beta = Nd4j.rand(DataType.FLOAT, dim);
        INDArray dgamma = Nd4j.zeros(DataType.FLOAT, dim);
        INDArray dbeta = Nd4j.zeros(DataType.FLOAT, dim);
        INDArray xhat = x.ulike();
        INDArray y = x.ulike();
        INDArray dx = x.ulike();
        INDArray rstd = Nd4j.zeros(DataType.FLOAT, rows);
        CpuBackend be = new CpuBackend(DataType.FLOAT);
        long n = (long) rows * dim;
        for (int round = 0; round < 8; round++) {
            long f = 0;
            long b = 0;
            for (int k = 0; k < rounds; k++) {
                long t0 = mx.getCurrentThreadCpuTime();
                be.layerNormForward(CpuBackend.wrap(x), CpuBackend.wrap(gamma), CpuBackend.wrap(beta), 1e-5, CpuBackend.wrap(xhat),
                        CpuBackend.wrap(rstd), CpuBackend.wrap(y));
                long t1 = mx.getCurrentThreadCpuTime();
                be.layerNormBackward(CpuBackend.wrap(dy), CpuBackend.wrap(xhat), CpuBackend.wrap(rstd), CpuBackend.wrap(gamma),
                        CpuBackend.wrap(dgamma), CpuBackend.wrap(dbeta), CpuBackend.wrap(dx), CpuBackend.wrap(y));
                long t2 = mx.getCurrentThreadCpuTime();
                f += t1 - t0;
                b += t2 - t1;
            }
            if (round > 1) {
                System.out.printf("layer norm %dx%d: forward %.2f ns, backward %.2f ns an element%n", rows, dim, (double) f / rounds / n,
                        (double) b / rounds / n);
            }
        }
    }
}
