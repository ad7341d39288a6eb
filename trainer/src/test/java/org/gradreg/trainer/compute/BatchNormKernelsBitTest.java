package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reworked batch-norm kernels (issue 20: each channel read once, branch-free ReLU) against the
 * per-plane kernels before the rework ({@link BatchNormKernelsPlanes}), bit for bit: x̂, y, the
 * statistics, dx, dγ, dβ, in FLOAT and DOUBLE, training and evaluation, with and without ReLU and
 * mask, x̂ in x's own buffer (as after a convolution) or apart, at thread caps 1-3, including one
 * example, 1×1 planes, more channels than threads, and inputs with exact zeros, −0, values where
 * γx̂ + β is exactly 0 and a NaN (the ReLU's select must treat them as the branch did).
 */
class BatchNormKernelsBitTest {

    private static final int[][] SHAPES = {{3, 4, 2, 5}, {1, 3, 4, 4}, {4, 5, 1, 1}, {1, 1, 1, 1}, {2, 7, 3, 3}, {5, 2, 7, 1}};

    @Test
    void reworkedKernelsAreBitIdenticalToThePerPlaneOnes() {
        int before = Nd4j.getEnvironment().maxMasterThreads();
        try {
            int k = 0;
            for (int[] d : SHAPES) {
                for (int threads = 1; threads <= 3; threads++) {
                    Nd4j.getEnvironment().setMaxMasterThreads(threads);
                    for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                        for (int flags = 0; flags < 16; flags++) {
                            compare(d, t, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0, k++);
                        }
                    }
                }
            }
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
        }
    }

    private static void compare(int[] d, DataType t, boolean evaluation, boolean relu, boolean masked, boolean inPlace, long seed) {
        int n = d[0];
        int ch = d[1];
        long[] shape = {n, ch, d[2], d[3]};
        String what = java.util.Arrays.toString(d) + " " + t + (evaluation ? " evaluation" : " training") + (relu ? " relu" : "")
                + (masked ? " mask" : "") + (inPlace ? " in place" : "") + ", " + Nd4j.getEnvironment().maxMasterThreads() + " threads";
        SplittableRandom r = new SplittableRandom(seed);
        INDArray x = Nd4j.create(t, shape);
        INDArray g = Nd4j.create(t, shape);
        INDArray mask = masked ? Nd4j.create(t, shape) : null;
        for (long i = 0; i < x.length(); i++) {
            double u = r.nextDouble();
            x.putScalar(i, u < 0.05 ? 0.0 : u < 0.08 ? -0.0 : r.nextDouble(-2, 3));
            g.putScalar(i, r.nextDouble() < 0.05 ? -0.0 : r.nextDouble(-1, 1));
            if (mask != null) {
                mask.putScalar(i, r.nextDouble() < 0.3 ? 0 : 1 / 0.7);
            }
        }
        double[] gamma = new double[ch];
        double[] beta = new double[ch];
        double[] mean0 = new double[ch];
        double[] var0 = new double[ch];
        for (int c = 0; c < ch; c++) {
            gamma[c] = c == 0 ? 0.0 : r.nextDouble(-2, 2); // γ = 0: γx̂ + β = β exactly
            beta[c] = c == 1 ? 0.0 : r.nextDouble(-0.5, 0.5); // with γ = 0 on channel 0 below: y = 0 exactly
            mean0[c] = r.nextDouble(-0.5, 0.5);
            var0[c] = r.nextDouble(0.5, 2);
        }
        beta[0] = 0.0;
        if (evaluation && ch > 2) {
            var0[2] = Double.NaN; // a NaN channel: x̂ and y NaN, the ReLU's select gives 0 as the branch did
        }
        INDArray[] mine = run(true, x, g, mask, gamma, beta, mean0, var0, evaluation, relu, inPlace);
        INDArray[] theirs = run(false, x, g, mask, gamma, beta, mean0, var0, evaluation, relu, inPlace);
        String[] names = {"x̂", "y", "mean", "var", "rstd", "dx", "dγ", "dβ"};
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(bits(theirs[i]), bits(mine[i]), what + ": " + names[i] + " not bit-identical");
        }
    }

    private static long[] bits(INDArray a) {
        double[] v = a.dup().data().asDouble();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    private static INDArray[] run(boolean reworked, INDArray x0, INDArray g0, INDArray mask, double[] gamma, double[] beta, double[] mean0,
                                  double[] var0, boolean evaluation, boolean relu, boolean inPlace) {
        INDArray x = x0.dup();
        INDArray g = g0.dup();
        INDArray xhat = inPlace ? x : x.ulike();
        INDArray y = x.ulike();
        INDArray dx = x.ulike();
        int ch = gamma.length;
        double[] mean = evaluation ? mean0.clone() : new double[ch];
        double[] var = evaluation ? var0.clone() : new double[ch];
        double[] rstd = new double[ch];
        double[] dgamma = new double[ch];
        double[] dbeta = new double[ch];
        if (reworked) {
            BatchNormKernels.forward(x, xhat, y, mask, mean, var, rstd, gamma, beta, evaluation, 1e-5, relu);
            BatchNormKernels.backward(g, y, xhat, dx, mask, rstd, gamma, dgamma, dbeta, evaluation, relu);
        } else {
            BatchNormKernelsPlanes.forward(x, xhat, y, mask, mean, var, rstd, gamma, beta, evaluation, 1e-5, relu);
            BatchNormKernelsPlanes.backward(g, y, xhat, dx, mask, rstd, gamma, dgamma, dbeta, evaluation, relu);
        }
        return new INDArray[] {xhat, y, Nd4j.createFromArray(mean), Nd4j.createFromArray(var), Nd4j.createFromArray(rstd), dx,
            Nd4j.createFromArray(dgamma), Nd4j.createFromArray(dbeta)};
    }
}
