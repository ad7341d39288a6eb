package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link HostKernels} through {@link CpuBackend}: GELU forward/backward and the dropout mask bit for
 * bit against the ND4J op sequences ({@code -Dgradreg.hostKernels=false}); layer norm forward and
 * backward and the softmax backward against the equations evaluated here in plain double
 * arithmetic, row by row (and against the ND4J form to FLOAT rounding).
 */
class HostKernelsTest {

    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE};

    @AfterEach
    void restore() {
        System.clearProperty("gradreg.hostKernels");
    }

    private static INDArray random(SplittableRandom rnd, DataType t, double scale, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (rnd.nextDouble() * 2 - 1);
        }
        return Nd4j.createFromArray(v).castTo(t).reshape('c', shape).dup('c');
    }

    /** Every element of actual has expected's bit pattern (also used by {@link TeamSplitTest}). */
    static void assertBits(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length());
        for (long i = 0; i < expected.length(); i++) {
            long a = expected.dataType() == DataType.FLOAT ? Float.floatToRawIntBits(expected.getFloat(i))
                    : Double.doubleToRawLongBits(expected.getDouble(i));
            long b = actual.dataType() == DataType.FLOAT ? Float.floatToRawIntBits(actual.getFloat(i))
                    : Double.doubleToRawLongBits(actual.getDouble(i));
            final long k = i;
            assertEquals(a, b, () -> what + " element " + k + ": " + expected.getDouble(k) + " vs " + actual.getDouble(k));
        }
    }

    @Test
    void geluAndDropoutMaskAreBitIdenticalToTheNd4jForm() {
        for (DataType t : TYPES) {
            CpuBackend be = new CpuBackend(t);
            SplittableRandom rnd = new SplittableRandom(3);
            INDArray x = random(rnd, t, 8.0, 301, 257); // (several 4,096-element blocks; |x| up to 8: every branch of erf)
            INDArray dy = random(rnd, t, 1.0, 301, 257);
            INDArray[] fused = gelu(be, x, dy, true);
            INDArray[] ops = gelu(be, x, dy, false);
            // FLOAT's one-pass GELU computes glibc 2.36's erff/expf (Libm); where ND4J's ops call another C library,
            // the two forms differ by that library's rounding (LibmTest says so), so only DOUBLE is compared there
            if (t == DataType.DOUBLE || LibmTest.cLibraryIsLibms()) {
                for (int k = 0; k < fused.length; k++) {
                    assertBits(ops[k], fused[k], t + " gelu output " + k);
                }
            }
            INDArray m1 = Nd4j.create(t, 13, 57);
            INDArray m2 = Nd4j.create(t, 13, 57);
            System.setProperty("gradreg.hostKernels", "true");
            be.dropoutMask(CpuBackend.wrap(m1), 0.1, 42);
            System.setProperty("gradreg.hostKernels", "false");
            be.dropoutMask(CpuBackend.wrap(m2), 0.1, 42);
            assertBits(m2, m1, t + " dropout mask");
            assertTrue(m1.eq(0).castTo(DataType.INT32).sumNumber().intValue() > 20, "some elements dropped");
        }
    }

    @Test
    void softmaxRowsAreBitIdenticalToNd4jsOp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LibmTest.cLibraryIsLibms(),
                "ND4J's Exp op on this machine is not glibc 2.36's expf (LibmTest): the one-pass FLOAT softmax keeps glibc 2.36's bits");
        SplittableRandom rnd = new SplittableRandom(11);
        CpuBackend be = new CpuBackend(DataType.FLOAT);
        for (int cols : new int[] {1, 5, 17, 65, 197, 1001}) {
            for (double scale : new double[] {1, 30}) {
                INDArray x = random(rnd, DataType.FLOAT, scale, 301, cols);
                if (cols == 17) { // rows with +∞, −∞, NaN and signed zeros, as ND4J's max and exp treat them
                    x.putScalar(0, 3, Float.NaN);
                    x.putScalar(1, 0, Float.POSITIVE_INFINITY);
                    x.putScalar(2, 16, Float.NEGATIVE_INFINITY);
                    x.getRow(3).assign(0.0);
                    x.putScalar(3, 4, -0.0);
                }
                INDArray ops = x.dup();
                INDArray fused = x.dup();
                System.setProperty("gradreg.libm", "false");
                be.softmaxRows(CpuBackend.wrap(ops), cols);
                System.setProperty("gradreg.libm", "true");
                be.softmaxRows(CpuBackend.wrap(fused), cols);
                System.clearProperty("gradreg.libm");
                assertBits(ops, fused, "softmax over " + cols + " columns, scale " + scale);
            }
        }
    }

    private static INDArray[] gelu(CpuBackend be, INDArray x, INDArray dy0, boolean kernels) {
        System.setProperty("gradreg.hostKernels", Boolean.toString(kernels));
        INDArray cdf = x.ulike();
        INDArray y = x.ulike();
        INDArray dy = dy0.dup();
        be.geluForward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(y));
        be.geluBackward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(dy), CpuBackend.wrap(x.ulike()));
        return new INDArray[] {cdf, y, dy};
    }

    @Test
    void layerNormMatchesThePlainDoubleEquations() {
        for (DataType t : TYPES) {
            double tol = t == DataType.DOUBLE ? 1e-12 : 2e-5;
            CpuBackend be = new CpuBackend(t);
            SplittableRandom rnd = new SplittableRandom(5);
            int n = 11;
            int dim = 24;
            double eps = 1e-6;
            INDArray x = random(rnd, t, 3.0, n, dim).addi(0.5);
            INDArray gamma = random(rnd, t, 1.0, 1, dim);
            INDArray beta = random(rnd, t, 1.0, 1, dim);
            INDArray dy = random(rnd, t, 1.0, n, dim);
            INDArray xhat = Nd4j.create(t, n, dim);
            INDArray rstd = Nd4j.create(t, n, 1);
            INDArray y = Nd4j.create(t, n, dim);
            INDArray dx = Nd4j.create(t, n, dim);
            INDArray dgamma = random(rnd, t, 1.0, 1, dim); // accumulated into
            INDArray dbeta = random(rnd, t, 1.0, 1, dim);
            double[] dgamma0 = dgamma.castTo(DataType.DOUBLE).toDoubleVector();
            double[] dbeta0 = dbeta.castTo(DataType.DOUBLE).toDoubleVector();
            be.layerNormForward(CpuBackend.wrap(x), CpuBackend.wrap(gamma), CpuBackend.wrap(beta), eps, CpuBackend.wrap(xhat),
                    CpuBackend.wrap(rstd), CpuBackend.wrap(y));
            be.layerNormBackward(CpuBackend.wrap(dy), CpuBackend.wrap(xhat), CpuBackend.wrap(rstd), CpuBackend.wrap(gamma),
                    CpuBackend.wrap(dgamma), CpuBackend.wrap(dbeta), CpuBackend.wrap(dx), CpuBackend.wrap(dy.ulike()));
            double[] g = gamma.castTo(DataType.DOUBLE).toDoubleVector();
            double[] b = beta.castTo(DataType.DOUBLE).toDoubleVector();
            double[] expDg = dgamma0.clone();
            double[] expDb = dbeta0.clone();
            for (int r = 0; r < n; r++) {
                double[] xr = x.getRow(r).castTo(DataType.DOUBLE).toDoubleVector();
                double[] dyr = dy.getRow(r).castTo(DataType.DOUBLE).toDoubleVector();
                double mu = 0;
                for (double v : xr) {
                    mu += v / dim;
                }
                double var = 0;
                for (double v : xr) {
                    var += (v - mu) * (v - mu) / dim;
                }
                double rs = 1 / Math.sqrt(var + eps);
                assertEquals(rs, rstd.getDouble(r), tol * rs, t + " rstd row " + r);
                // backward from the chain rule of y = γ·(x − μ)/σ written out: dx_j = rs·(ĝ_j − mean(ĝ) − x̂_j·mean(ĝ·x̂)), ĝ = dy·γ
                double[] h = new double[dim];
                double mg = 0;
                double mgh = 0;
                for (int j = 0; j < dim; j++) {
                    h[j] = (xr[j] - mu) * rs;
                    assertEquals(h[j], xhat.getDouble(r, j), tol * 4, t + " xhat");
                    assertEquals(h[j] * g[j] + b[j], y.getDouble(r, j), tol * 8, t + " y");
                    mg += dyr[j] * g[j] / dim;
                    mgh += dyr[j] * g[j] * h[j] / dim;
                    expDg[j] += dyr[j] * h[j];
                    expDb[j] += dyr[j];
                }
                for (int j = 0; j < dim; j++) {
                    double e = rs * (dyr[j] * g[j] - mg - h[j] * mgh);
                    assertEquals(e, dx.getDouble(r, j), tol * 8 * Math.max(1, rs), t + " dx row " + r + " col " + j);
                }
            }
            for (int j = 0; j < dim; j++) {
                assertEquals(expDg[j], dgamma.getDouble(j), tol * 20, t + " dgamma " + j);
                assertEquals(expDb[j], dbeta.getDouble(j), tol * 20, t + " dbeta " + j);
            }
        }
    }

    @Test
    void layerNormAgreesWithTheNd4jFormToRounding() {
        for (DataType t : TYPES) {
            double tol = t == DataType.DOUBLE ? 1e-12 : 1e-5;
            CpuBackend be = new CpuBackend(t);
            SplittableRandom rnd = new SplittableRandom(9);
            INDArray x = random(rnd, t, 2.0, 65, 48);
            INDArray gamma = random(rnd, t, 1.0, 1, 48);
            INDArray beta = random(rnd, t, 1.0, 1, 48);
            INDArray dy = random(rnd, t, 1.0, 65, 48);
            INDArray[] k = layerNorm(be, x, gamma, beta, dy, true);
            INDArray[] o = layerNorm(be, x, gamma, beta, dy, false);
            for (int i = 0; i < k.length; i++) {
                double scale = Math.max(1, o[i].amaxNumber().doubleValue());
                assertEquals(0, o[i].sub(k[i]).amaxNumber().doubleValue() / scale, tol, t + " output " + i);
            }
        }
    }

    private static INDArray[] layerNorm(CpuBackend be, INDArray x, INDArray gamma, INDArray beta, INDArray dy, boolean kernels) {
        System.setProperty("gradreg.hostKernels", Boolean.toString(kernels));
        DataType t = x.dataType();
        INDArray xhat = x.ulike();
        INDArray rstd = Nd4j.create(t, x.size(0), 1);
        INDArray y = x.ulike();
        INDArray dx = x.ulike();
        INDArray dg = Nd4j.zeros(t, 1, gamma.length());
        INDArray db = Nd4j.zeros(t, 1, gamma.length());
        be.layerNormForward(CpuBackend.wrap(x), CpuBackend.wrap(gamma), CpuBackend.wrap(beta), 1e-6, CpuBackend.wrap(xhat),
                CpuBackend.wrap(rstd), CpuBackend.wrap(y));
        be.layerNormBackward(CpuBackend.wrap(dy), CpuBackend.wrap(xhat), CpuBackend.wrap(rstd), CpuBackend.wrap(gamma),
                CpuBackend.wrap(dg), CpuBackend.wrap(db), CpuBackend.wrap(dx), CpuBackend.wrap(dy.ulike()));
        return new INDArray[] {xhat, rstd, y, dx, dg, db};
    }

    @Test
    void softmaxBackwardMatchesThePlainDoubleEquation() {
        for (DataType t : TYPES) {
            double tol = t == DataType.DOUBLE ? 1e-13 : 1e-6;
            CpuBackend be = new CpuBackend(t);
            SplittableRandom rnd = new SplittableRandom(13);
            int cols = 17;
            INDArray p = random(rnd, t, 1.0, 6, 5, cols);
            be.softmaxRows(CpuBackend.wrap(p), cols);
            INDArray dp = random(rnd, t, 1.0, 6, 5, cols);
            double[] pv = p.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
            double[] dv = dp.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
            be.softmaxBackward(CpuBackend.wrap(dp), CpuBackend.wrap(p), CpuBackend.wrap(dp.ulike()), cols);
            INDArray got = dp.reshape(-1);
            for (int r = 0; r < pv.length / cols; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += dv[r * cols + j] * pv[r * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    int i = r * cols + j;
                    assertEquals(pv[i] * (dv[i] - s), got.getDouble(i), tol, t + " row " + r + " col " + j);
                }
            }
        }
    }
}
