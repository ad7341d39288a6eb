package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU batch-norm kernels in FLOAT and DOUBLE against the equations evaluated here per element
 * in plain double arithmetic: μ, biased σ², x̂ = (x − μ)/√(σ² + ε), y = mask·ReLU(γx̂ + β); backward
 * with g masked and passed where y &gt; 0: dβ = Σg, dγ = Σg·x̂, dx = γ/√(σ² + ε)·(g − dβ/n − x̂·dγ/n)
 * (training) or γ/√(σ² + ε)·g (evaluation, given statistics).
 */
class BatchNormKernelsTest {

    @Test
    void forwardAndBackwardFollowTheEquations() {
        equations(3, 4, 2, 5, 1);
    }

    /**
     * Edge cases (issue 20): one example, 1×1 planes (n·H·W = 1: σ² = 0, x̂ = 0), one channel, and
     * more channels than the thread cap (2 and 3 threads over 5 or 7 channels, uneven shares).
     */
    @Test
    void edgeCasesFollowTheEquations() {
        int before = Nd4j.getEnvironment().maxMasterThreads();
        try {
            equations(1, 3, 2, 5, 1);
            equations(4, 5, 1, 1, 2);
            equations(1, 1, 1, 1, 1);
            equations(1, 7, 3, 1, 3);
            equations(2, 5, 3, 3, 2);
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
        }
    }

    private static void equations(int n, int ch, int height, int width, int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        int hw = height * width;
        double eps = 1e-5;
        SplittableRandom r = new SplittableRandom(5 + n * 31L + ch);
        double[] x = new double[n * ch * hw];
        double[] g = new double[x.length];
        double[] mask = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-2, 3);
            g[i] = r.nextDouble(-1, 1);
            mask[i] = r.nextDouble() < 0.3 ? 0 : 1 / 0.7;
        }
        double[] gamma = new double[ch];
        double[] beta = new double[ch];
        double[] evalMean = new double[ch];
        double[] evalVar = new double[ch];
        for (int c = 0; c < ch; c++) {
            gamma[c] = new double[] {1.5, -0.5, 0.8, 2.0}[c % 4] + 0.1 * (c / 4);
            beta[c] = new double[] {0.1, 0.2, -0.3, 0.0}[c % 4];
            evalMean[c] = new double[] {0.3, -0.2, 0.5, 0.0}[c % 4];
            evalVar[c] = new double[] {1.2, 0.7, 2.5, 0.9}[c % 4];
        }
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tol = t == DataType.DOUBLE ? 1e-12 : 2e-5;
            for (boolean evaluation : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    for (boolean masked : new boolean[] {false, true}) {
                        String what = n + "x" + ch + "x" + height + "x" + width + " " + t + (evaluation ? " evaluation" : " training") + (relu ? " relu" : "") + (masked ? " mask" : "");
                        INDArray xa = Nd4j.createFromArray(x).castTo(t).reshape(n, ch, height, width);
                        INDArray xhat = Nd4j.create(t, n, ch, height, width);
                        INDArray y = Nd4j.create(t, n, ch, height, width);
                        INDArray ma = masked ? Nd4j.createFromArray(mask).castTo(t).reshape(n, ch, height, width) : null;
                        double[] mean = new double[ch];
                        double[] var = new double[ch];
                        if (evaluation) {
                            mean = evalMean.clone();
                            var = evalVar.clone();
                        }
                        double[] rstd = new double[ch];
                        BatchNormKernels.forward(xa, xhat, y, ma, mean, var, rstd, gamma, beta, evaluation, eps, relu);
                        INDArray ga = Nd4j.createFromArray(g).castTo(t).reshape(n, ch, height, width);
                        INDArray dx = Nd4j.create(t, n, ch, height, width);
                        double[] dgamma = new double[ch];
                        double[] dbeta = new double[ch];
                        BatchNormKernels.backward(ga, y, xhat, dx, ma, rstd, gamma, dgamma, dbeta, evaluation, relu);
                        for (int c = 0; c < ch; c++) {
                            double mu = 0;
                            double m = n * hw;
                            for (int b = 0; b < n; b++) {
                                for (int i = 0; i < hw; i++) {
                                    mu += x[(b * ch + c) * hw + i] / m;
                                }
                            }
                            double v = 0;
                            for (int b = 0; b < n; b++) {
                                for (int i = 0; i < hw; i++) {
                                    double d = x[(b * ch + c) * hw + i] - mu;
                                    v += d * d / m;
                                }
                            }
                            if (evaluation) {
                                mu = evalMean[c];
                                v = evalVar[c];
                            }
                            assertEquals(mu, mean[c], tol, what + " mean");
                            assertEquals(v, var[c], tol, what + " var");
                            double rs = 1 / Math.sqrt(v + eps);
                            double sg = 0;
                            double sgx = 0;
                            double[] gg = new double[n * hw];
                            double[] hh = new double[n * hw];
                            for (int b = 0; b < n; b++) {
                                for (int i = 0; i < hw; i++) {
                                    int at = (b * ch + c) * hw + i;
                                    double h = (x[at] - mu) * rs;
                                    double out = gamma[c] * h + beta[c];
                                    if (relu) {
                                        out = Math.max(0, out);
                                    }
                                    double mk = masked ? mask[at] : 1;
                                    out *= mk;
                                    assertEquals(h, xhat.getDouble(at), tol * 10, what + " xhat");
                                    assertEquals(out, y.getDouble(at), tol * 10, what + " y");
                                    double gi = g[at] * mk;
                                    if (relu && !(out > 0)) {
                                        gi = 0;
                                    }
                                    gg[b * hw + i] = gi;
                                    hh[b * hw + i] = h;
                                    sg += gi;
                                    sgx += gi * h;
                                }
                            }
                            assertEquals(sg, dbeta[c], tol * 10, what + " dbeta");
                            assertEquals(sgx, dgamma[c], tol * 10, what + " dgamma");
                            for (int b = 0; b < n; b++) {
                                for (int i = 0; i < hw; i++) {
                                    int at = (b * ch + c) * hw + i;
                                    double want = evaluation ? gamma[c] * rs * gg[b * hw + i]
                                            : gamma[c] * rs * (gg[b * hw + i] - sg / m - hh[b * hw + i] * sgx / m);
                                    assertEquals(want, dx.getDouble(at), tol * 10, what + " dx");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
