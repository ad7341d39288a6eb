package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutional models' warm-up ({@link CpuBackend#warmUpInBackground(String, boolean)}) runs the
 * batch-norm and max-pool loops to completion on its private arrays, and a run's results on the same
 * thread are bit for bit those without it (it shares only the thread's scratch arrays, which every
 * call overwrites).
 */
class CnnWarmUpTest {

    @Test
    void warmUpRunsAndChangesNoResult() {
        INDArray[] before = run();
        BatchNormKernels.warmUp(3, System.nanoTime() + 60_000_000_000L);
        MaxPoolKernels.warmUp(3, System.nanoTime() + 60_000_000_000L);
        INDArray[] after = run();
        for (int k = 0; k < before.length; k++) {
            assertArrayEquals(before[k].data().asFloat(), after[k].data().asFloat(), "output " + k);
        }
    }

    /** Batch norm (training, ReLU) and 2×2 max pooling of a fixed [3, 5, 12, 12] input, forward and backward. */
    private static INDArray[] run() {
        SplittableRandom r = new SplittableRandom(7);
        float[] v = new float[3 * 5 * 12 * 12];
        float[] d = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            d[i] = (float) r.nextGaussian();
        }
        INDArray x = Nd4j.createFromArray(v).reshape(3, 5, 12, 12);
        INDArray g = Nd4j.createFromArray(d).reshape(3, 5, 12, 12);
        INDArray xhat = Nd4j.create(DataType.FLOAT, 3, 5, 12, 12);
        INDArray y = Nd4j.create(DataType.FLOAT, 3, 5, 12, 12);
        INDArray dx = Nd4j.create(DataType.FLOAT, 3, 5, 12, 12);
        double[] mean = new double[5];
        double[] var = new double[5];
        double[] rstd = new double[5];
        double[] gamma = {1, 0.5, 2, 1, 1};
        double[] beta = {0, 0.1, -0.1, 0, 0.2};
        BatchNormKernels.forward(x, xhat, y, null, mean, var, rstd, gamma, beta, false, 1e-5, true);
        BatchNormKernels.backward(g, y, xhat, dx, null, rstd, gamma, new double[5], new double[5], false, true);
        INDArray p = Nd4j.create(DataType.FLOAT, 3, 5, 6, 6);
        MaxPoolKernels.forward(x, p);
        INDArray dp = Nd4j.create(DataType.FLOAT, 3, 5, 12, 12);
        MaxPoolKernels.backward(x, g.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).dup(), dp);
        return new INDArray[] {xhat, y, dx, p, dp};
    }
}
