package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.EveryK;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.estimator.Sam;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Estimators against their published equations computed here in plain double arithmetic, with
 * the exact Hessian of the test objective where the estimator uses finite differences.
 */
class EstimatorTest {

    private final TestObjective ref = new TestObjective(TestObjective.start(), DataType.DOUBLE);

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double[] axpy(double a, double[] x, double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += a * x[i];
        }
        return out;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static Estimate estimate(GradientEstimator e, TestObjective f, long step) {
        return e.estimate(f, step);
    }

    private static double[] flat(Estimate e) {
        return TestObjective.flatten(e.gradient());
    }

    @Test
    void samIsGradientAtTheAscentPoint() {
        double rho = 0.07;
        double[] x = TestObjective.start();
        double[] g = ref.gradient(x);
        double[] expected = ref.gradient(axpy(rho / norm(g), g, x));
        TestObjective f = new TestObjective(x, DataType.DOUBLE);
        Estimate e = estimate(Sam.of(rho), f, 0);
        assertArrayEquals(expected, flat(e), 1e-13);
        assertEquals(2, e.evaluations());
        assertEquals(ref.value(x), e.loss(), 1e-15);
        assertEquals(norm(g), e.firstGradientNorm(), 1e-13);
    }

    @Test
    void asamUsesTheAdaptiveAscentDirection() {
        double rho = 0.5;
        double eta = 0.01;
        double[] x = TestObjective.start();
        double[] g = ref.gradient(x);
        double[] tg = new double[9];
        double[] ttg = new double[9];
        for (int i = 0; i < 9; i++) {
            double t = Math.abs(x[i]) + eta;
            tg[i] = t * g[i];
            ttg[i] = t * t * g[i];
        }
        double[] expected = ref.gradient(axpy(rho / norm(tg), ttg, x));
        Estimate e = estimate(Sam.of(rho).adaptive(eta), new TestObjective(x, DataType.DOUBLE), 0);
        assertArrayEquals(expected, flat(e), 1e-13);
    }

    @Test
    void grPaperAndCodeForms() {
        double r = 0.05;
        double alpha = 0.8;
        double[] x = TestObjective.start();
        double[] g1 = ref.gradient(x);
        double n = norm(g1);
        double[] g2 = ref.gradient(axpy(r / n, g1, x));
        double[] paper = new double[9];
        double[] code = new double[9];
        for (int i = 0; i < 9; i++) {
            paper[i] = (1 - alpha) * g1[i] + alpha * g2[i];
            code[i] = (1 - alpha) * g1[i] / n + alpha * g2[i];
        }
        assertArrayEquals(paper, flat(estimate(GradientRegularization.of(r, alpha), new TestObjective(x, DataType.DOUBLE), 0)), 1e-13);
        assertArrayEquals(code, flat(estimate(GradientRegularization.of(r, alpha).form(GradientRegularization.Form.NORMALIZED_G1),
                new TestObjective(x, DataType.DOUBLE), 0)), 1e-13);
    }

    /**
     * Eqs. 6-10 of the penalizing-gradient-norm paper: as r → 0 the GR gradient tends to
     * ∇(L + λ‖∇L‖) = ∇L + λ·H∇L/‖∇L‖ with an error about linear in r (forward difference).
     */
    @Test
    void grTendsToTheGradientOfThePenalizedLossLinearlyInR() {
        double lambda = 0.02;
        double[] x = TestObjective.start();
        double[] g = ref.gradient(x);
        double[] exact = axpy(lambda / norm(g), ref.hessianTimes(x, g), g);
        double[] rs = {4e-2, 2e-2, 1e-2, 5e-3};
        double[] err = new double[rs.length];
        for (int k = 0; k < rs.length; k++) {
            Estimate e = estimate(GradientRegularization.ofLambda(rs[k], lambda), new TestObjective(x, DataType.DOUBLE), 0);
            err[k] = maxAbsDiff(exact, flat(e));
        }
        for (int k = 1; k < rs.length; k++) {
            double ratio = err[k - 1] / err[k];
            assertTrue(ratio > 1.7 && ratio < 2.3, "halving r should about halve the error; errors " + java.util.Arrays.toString(err));
        }
        assertTrue(err[rs.length - 1] < 1e-3 * norm(exact), "error at r=5e-3: " + err[rs.length - 1]);
    }

    /** GNR Algorithm 1 with exact Hessian-vector products; the estimator's finite differences are O(h). */
    @Test
    void gnrMatchesAlgorithm1() {
        double rho = 0.1;
        double alpha = 0.5;
        double xi = 1e-12;
        double[] x = TestObjective.start();
        double[] g = ref.gradient(x);
        double[] f = ref.hessianTimes(x, g);
        double ng = norm(g);
        for (int i = 0; i < 9; i++) {
            f[i] /= ng + xi;
        }
        double[] adv = axpy(rho / (norm(f) + xi), f, x);
        double[] gAdv = ref.gradient(adv);
        double[] hNorm = ref.hessianTimes(adv, gAdv);
        double[] expected = g.clone();
        for (int i = 0; i < 9; i++) {
            expected[i] += alpha * rho * hNorm[i] / (norm(gAdv) + xi);
        }
        TestObjective obj = new TestObjective(x, DataType.DOUBLE);
        Estimate e = estimate(Gnr.of(rho, alpha).hvpStep(1e-6), obj, 0);
        assertArrayEquals(expected, flat(e), 1e-5);
        assertEquals(4, e.evaluations());
        assertEquals(4, obj.evaluations);
        // the loss part is untouched plain gradient, and g1 is reported unchanged
        assertArrayEquals(g, TestObjective.flatten(e.firstGradient()), 1e-15);
    }

    @Test
    void samPlusGnrAddsTheNormTermToSamsGradient() {
        TestObjective a = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        TestObjective c = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Estimate samGnr = estimate(Gnr.of(0.1, 0.5).over(Sam.of(0.05)), a, 0);
        Estimate sam = estimate(Sam.of(0.05), b, 0);
        Estimate gnr = estimate(Gnr.of(0.1, 0.5), c, 0);
        double[] expected = axpy(1, flat(gnr), axpy(-1, flat(estimate(Plain.of(), c, 0)), flat(sam)));
        assertArrayEquals(expected, flat(samGnr), 1e-12);
        assertEquals(5, samGnr.evaluations());
    }

    @Test
    void grWarmupPoliciesFollowEqs10To14() {
        long tw = 10;
        double r = 0.1;
        double alpha = 0.8;
        for (long t : new long[] {0, 3, 9, 10, 25}) {
            double ramp = Math.min(1.0, t / (double) tw);
            Map<String, Double> rw = estimate(GradientRegularization.of(r, alpha).rWarmup(tw), fresh(), t).values();
            assertEquals(ramp * r, rw.get("r"), 1e-15);
            assertEquals(alpha, rw.get("alpha"), 0);
            assertEquals(ramp * r * alpha, rw.get("lambda"), 1e-15);
            Map<String, Double> lw = estimate(GradientRegularization.of(r, alpha).lambdaWarmup(tw), fresh(), t).values();
            assertEquals(r, lw.get("r"), 0);
            assertEquals(ramp * alpha, lw.get("alpha"), 1e-15);
            Estimate z = estimate(GradientRegularization.of(r, alpha).zeroWarmup(tw), fresh(), t);
            assertEquals(t < tw ? 0.0 : alpha * r, z.values().get("lambda"), 1e-15);
            assertEquals(t < tw ? 1 : 2, z.evaluations());
        }
    }

    @Test
    void everyKAppliesTheEstimatorOnOneStepInK() {
        EveryK e = new EveryK(3, Sam.of(0.1));
        int[] expected = {2, 1, 1, 2, 1, 1, 2};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], e.estimate(fresh(), t).evaluations(), "step " + t);
        }
    }

    private static TestObjective fresh() {
        return new TestObjective(TestObjective.start(), DataType.DOUBLE);
    }
}
