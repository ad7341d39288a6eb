package org.gradreg.trainer.compute;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hand-run: wall time of the batch-norm kernels' FLOAT forward (training, with ReLU) and backward on
 * one [n, c, h, w] tensor, median of {@code repeats} calls, and a hash of the outputs (to compare
 * codes bit for bit). Arguments: n c h w threads repeats.
 */
public final class BatchNormBench {
    private BatchNormBench() {
    }

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int c = Integer.parseInt(a[1]);
        int h = Integer.parseInt(a[2]);
        int w = Integer.parseInt(a[3]);
        int threads = Integer.parseInt(a[4]);
        int reps = Integer.parseInt(a[5]);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        CpuBackend.blasThreads(threads);
        SplittableRandom r = new SplittableRandom(3);
        INDArray x = rand(r, n, c, h, w);
        INDArray g = rand(r, n, c, h, w);
        INDArray xhat = Nd4j.create(DataType.FLOAT, n, c, h, w);
        INDArray y = Nd4j.create(DataType.FLOAT, n, c, h, w);
        INDArray dx = Nd4j.create(DataType.FLOAT, n, c, h, w);
        double[] mean = new double[c];
        double[] var = new double[c];
        double[] rstd = new double[c];
        double[] gamma = new double[c];
        double[] beta = new double[c];
        double[] dgamma = new double[c];
        double[] dbeta = new double[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = 1 + 0.1 * r.nextDouble();
            beta[i] = 0.1 * r.nextDouble();
        }
        double[] tf = new double[reps];
        double[] tb = new double[reps];
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            BatchNormKernels.forward(x, xhat, y, null, mean, var, rstd, gamma, beta, false, 1e-5, true);
            long t1 = System.nanoTime();
            BatchNormKernels.backward(g, y, xhat, dx, null, rstd, gamma, dgamma, dbeta, false, true);
            long t2 = System.nanoTime();
            tf[k] = (t1 - t0) / 1e6;
            tb[k] = (t2 - t1) / 1e6;
        }
        long hash = 17;
        for (INDArray t : new INDArray[] {xhat, y, dx}) {
            hash = 31 * hash + java.util.Arrays.hashCode(t.data().asFloat());
        }
        for (double[] v : new double[][] {mean, var, rstd, dgamma, dbeta}) {
            hash = 31 * hash + java.util.Arrays.hashCode(v);
        }
        System.out.printf("[%d, %d, %d, %d] threads %d: forward %.2f ms, backward %.2f ms (medians of %d); outputs' hash %016x%n", n, c, h, w, threads,
                med(tf), med(tb), reps, hash);
    }

    private static double med(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static INDArray rand(SplittableRandom r, long... shape) {
        INDArray t = Nd4j.create(DataType.FLOAT, shape);
        float[] f = new float[(int) t.length()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (r.nextDouble() * 2 - 1);
        }
        t.data().setData(f);
        return t;
    }
}
