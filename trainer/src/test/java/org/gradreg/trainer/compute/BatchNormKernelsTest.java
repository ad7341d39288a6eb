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
        int n = 3;
        int ch = 4;
        int hw = 10;
        double eps = 1e-5;
        SplittableRandom r = new SplittableRandom(5);
        double[] x = new double[n * ch * hw];
        double[] g = new double[x.length];
        double[] mask = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-2, 3);
            g[i] = r.nextDouble(-1, 1);
            mask[i] = r.nextDouble() < 0.3 ? 0 : 1 / 0.7;
        }
        double[] gamma = {1.5, -0.5, 0.8, 2.0};
        double[] beta = {0.1, 0.2, -0.3, 0.0};
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tol = t == DataType.DOUBLE ? 1e-12 : 2e-5;
            for (boolean evaluation : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    for (boolean masked : new boolean[] {false, true}) {
                        String what = t + (evaluation ? " evaluation" : " training") + (relu ? " relu" : "") + (masked ? " mask" : "");
                        INDArray xa = Nd4j.createFromArray(x).castTo(t).reshape(n, ch, 2, 5);
                        INDArray xhat = Nd4j.create(t, n, ch, 2, 5);
                        INDArray y = Nd4j.create(t, n, ch, 2, 5);
                        INDArray ma = masked ? Nd4j.createFromArray(mask).castTo(t).reshape(n, ch, 2, 5) : null;
                        double[] mean = new double[ch];
                        double[] var = new double[ch];
                        double[] evalMean = {0.3, -0.2, 0.5, 0.0};
                        double[] evalVar = {1.2, 0.7, 2.5, 0.9};
                        if (evaluation) {
                            mean = evalMean.clone();
                            var = evalVar.clone();
                        }
                        double[] rstd = new double[ch];
                        BatchNormKernels.forward(xa, xhat, y, ma, mean, var, rstd, gamma, beta, evaluation, eps, relu);
                        INDArray ga = Nd4j.createFromArray(g).castTo(t).reshape(n, ch, 2, 5);
                        INDArray dx = Nd4j.create(t, n, ch, 2, 5);
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
