package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.gradreg.optim.landscape.HessianSpectrum;
import org.junit.jupiter.api.Test;

/** Power iteration and Hutchinson's trace on a rotated quadratic whose spectrum is known exactly. */
class HessianSpectrumTest {

    static final double[] EIGEN = {4.0, 2.5, 1.0, 0.5, 0.1, 0.05};

    /** A = Qᵀ diag(EIGEN) Q with Q a product of seeded Householder reflections (orthogonal). */
    static double[][] rotatedMatrix(long seed) {
        int n = EIGEN.length;
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < 3; r++) {
            double[] u = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                u[i] = rnd.nextDouble(-1, 1);
                norm += u[i] * u[i];
            }
            // q ← (I − 2uuᵀ/‖u‖²) q
            for (int col = 0; col < n; col++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += u[i] * q[i][col];
                }
                for (int i = 0; i < n; i++) {
                    q[i][col] -= 2 * u[i] * dot / norm;
                }
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[k][i] * EIGEN[k] * q[k][j];
                }
            }
        }
        return a;
    }

    static FunctionOracle quadratic(double[][] a) {
        VectorFunction f = VectorFunction.of(x -> {
            double v = 0;
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x.length; j++) {
                    v += 0.5 * x[i] * a[i][j] * x[j];
                }
            }
            return v;
        }, x -> {
            double[] g = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x.length; j++) {
                    g[i] += a[i][j] * x[j];
                }
            }
            return g;
        });
        return FunctionOracle.of(f, 0.3, -0.2, 0.1, 0.5, -0.4, 0.2);
    }

    @Test
    void topEigenvaluesByPowerIterationWithDeflation() {
        FunctionOracle o = quadratic(rotatedMatrix(3));
        double[] before = o.theta();
        double[] top = HessianSpectrum.of(o).tolerance(1e-9).maxIterations(500).topEigenvalues(3);
        assertArrayEquals(new double[] {4.0, 2.5, 1.0}, top, 1e-4);
        assertArrayEquals(before, o.theta(), 0.0, "parameters restored exactly");
    }

    @Test
    void hutchinsonTraceIsUnbiased() {
        FunctionOracle o = quadratic(rotatedMatrix(5));
        HessianSpectrum.TraceEstimate t = HessianSpectrum.of(o).seed(11).trace(400);
        double exact = 0;
        for (double e : EIGEN) {
            exact += e;
        }
        assertTrue(Math.abs(t.mean() - exact) < 4 * t.standardError(), t + " vs exact " + exact);
        assertTrue(t.standardError() > 0 && t.standardError() < 0.5, t.toString());
        assertEquals(t.mean(), HessianSpectrum.of(o).seed(11).trace(400).mean(), 0.0, "same seed, same estimate");
    }

    @Test
    void residualsBoundTheErrorOfAnUnconvergedIteration() {
        // a loose tolerance and few iterations leave an error; the residual must cover it (Weyl)
        double[][] a = rotatedMatrix(3);
        HessianSpectrum.Eigenvalues loose = HessianSpectrum.of(quadratic(a)).tolerance(1e-1).maxIterations(4).topEigenpairs(1);
        double err = Math.abs(loose.values()[0] - EIGEN[0]);
        assertTrue(err > 1e-6, "the test needs an unconverged estimate, error " + err);
        // nearest true eigenvalue to the estimate lies within the residual (+ the finite-difference error, ~h² here)
        double nearest = Double.POSITIVE_INFINITY;
        for (double e : EIGEN) {
            nearest = Math.min(nearest, Math.abs(loose.values()[0] - e));
        }
        assertTrue(nearest <= loose.residuals()[0] + 1e-6, "nearest eigenvalue " + nearest + " vs residual " + loose.residuals()[0]);
        assertTrue(loose.iterations()[0] <= 4);
        HessianSpectrum.Eigenvalues tight = HessianSpectrum.of(quadratic(a)).tolerance(1e-12).maxIterations(2000).topEigenpairs(2);
        assertTrue(tight.residuals()[0] < loose.residuals()[0] && tight.residuals()[0] < 1e-3, "converged residual " + tight.residuals()[0]);
        assertArrayEquals(tight.values(), HessianSpectrum.of(quadratic(a)).tolerance(1e-12).maxIterations(2000).topEigenvalues(2), 0.0,
                "topEigenvalues is topEigenpairs' values");
    }
}
