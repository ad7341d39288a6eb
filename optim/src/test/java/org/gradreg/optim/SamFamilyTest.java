package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.GradientEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The SAM family against each paper's update written out here in plain double arithmetic on the
 * flattened parameters (w: elements 0-5, b: 6-8), over several optimizer steps so that the
 * estimators' state (EMAs, kept components, the rule's momentum) is exercised.
 */
class SamFamilyTest {

    private static final double TOL = 1e-12;
    private final TestObjective ref = new TestObjective(TestObjective.start(), DataType.DOUBLE);

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** y + a·x as a new array. */
    static double[] axpy(double a, double[] x, double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += a * x[i];
        }
        return out;
    }

    /** x restricted to [from, to), zeros elsewhere. */
    static double[] only(double[] x, int from, int to) {
        double[] out = new double[x.length];
        System.arraycopy(x, from, out, from, to - from);
        return out;
    }

    private static GradientEstimator estimator(String spec) {
        return Optim.estimator(spec);
    }

    private static double[] run(Optimizer opt, TestObjective f, int steps) {
        opt.run(f, steps);
        return f.x();
    }

    /** Mueller et al. 2023: the ascent on the normalization layers only (and the ablation: all but them). */
    @Test
    void samOnPerturbsOnlyTheNormalizationLayers() {
        ExampleObjective f = new ExampleObjective(TestObjective.start(), 4, 4, "block0/attn/kernel", "block0/ln1/scale", 7);
        double[] x = f.x();
        int[] all = ExampleObjective.range(0, 4);
        double[] g1 = f.gradient(all, x);
        double[] gn = only(g1, 6, 9);
        double[] go = only(g1, 0, 6);
        assertArrayEquals(f.gradient(all, axpy(0.1 / norm(gn), gn, x)),
                TestObjective.flatten(estimator("sam-on:rho=0.1").estimate(f, 0).gradient(), "block0/attn/kernel", "block0/ln1/scale"), TOL);
        assertArrayEquals(f.gradient(all, axpy(0.1 / norm(go), go, x)),
                TestObjective.flatten(estimator("sam-on:rho=0.1,layers=no-norm").estimate(f, 0).gradient(), "block0/attn/kernel",
                        "block0/ln1/scale"), TOL);
        // adaptive: ASAM's T = |θ| + η on the group
        double[] tg = new double[9];
        double[] ttg = new double[9];
        for (int i = 6; i < 9; i++) {
            double t = Math.abs(x[i]) + 0.01;
            tg[i] = t * g1[i];
            ttg[i] = t * t * g1[i];
        }
        assertArrayEquals(f.gradient(all, axpy(0.5 / norm(tg), ttg, x)),
                TestObjective.flatten(estimator("sam-on:rho=0.5,adaptive=true").estimate(f, 0).gradient(), "block0/attn/kernel",
                        "block0/ln1/scale"), TOL);
        assertArrayEquals(x, f.x(), 0.0);
    }

    /** Kwon et al. 2021 as SamsungLabs/ASAM runs it: T = |θ| + η on "weight" tensors (kernels, scales), 1 on biases. */
    @Test
    void asamCodePlacementLeavesBiasesUnscaled() {
        ExampleObjective f = new ExampleObjective(TestObjective.start(), 4, 4, "fc/kernel", "fc/bias", 7);
        double[] x = f.x();
        int[] all = ExampleObjective.range(0, 4);
        double[] g1 = f.gradient(all, x);
        double[] tg = new double[9];
        double[] ttg = new double[9];
        for (int i = 0; i < 9; i++) {
            double t = i < 6 ? Math.abs(x[i]) + 0.01 : 1;
            tg[i] = t * g1[i];
            ttg[i] = t * t * g1[i];
        }
        assertArrayEquals(f.gradient(all, axpy(0.5 / norm(tg), ttg, x)),
                TestObjective.flatten(estimator("asam:rho=0.5,form=code").estimate(f, 0).gradient(), "fc/kernel", "fc/bias"), TOL);
    }

    /**
     * Foret et al. 2021, m-sharpness: scope=micro is SAM on each micro-batch with its own g₁,
     * the gradients averaged; scope=groups the same over groups of m.
     */
    @Test
    void scopeMicroIsSamOnEachMicroBatchAveraged() {
        double rho = 0.1;
        for (String scope : new String[] {"micro", "groups,m=3"}) {
            int size = scope.equals("micro") ? 2 : 3;
            ExampleObjective f = new ExampleObjective(6, 2);
            double[] x = f.x();
            double[] expected = new double[9];
            double[] g1Mean = new double[9];
            double loss = 0;
            for (int p = 0; p < 6 / size; p++) {
                int[] part = ExampleObjective.range(p * size, size);
                double[] g1 = f.gradient(part, x);
                double[] g2 = f.gradient(part, axpy(rho / norm(g1), g1, x));
                for (int j = 0; j < 9; j++) {
                    expected[j] += g2[j] / (6 / size);
                    g1Mean[j] += g1[j] / (6 / size);
                }
                for (int i : part) {
                    loss += f.loss(i, x) / 6;
                }
            }
            Estimate e = estimator("sam:rho=0.1,scope=" + scope).estimate(f, 0);
            assertArrayEquals(expected, TestObjective.flatten(e.gradient()), TOL, scope);
            assertArrayEquals(g1Mean, TestObjective.flatten(e.firstGradient()), TOL, scope);
            assertEquals(norm(g1Mean), e.firstGradientNorm(), TOL);
            assertEquals(loss, e.loss(), TOL);
            assertEquals(2 * 6 / size, e.evaluations());
            assertArrayEquals(x, f.x(), 0.0);
        }
    }

    /** scope=full is the unscoped estimator, and one group of the whole batch gives it bit for bit. */
    @Test
    void fullScopeAndOneWholeBatchGroupAreTheFullBatch() {
        for (String spec : new String[] {"sam:rho=0.1", "asam:rho=0.5", "gr:r=0.1,alpha=0.8"}) {
            double[] full = TestObjective.flatten(estimator(spec).estimate(new ExampleObjective(6, 2), 0).gradient());
            double[] scoped = TestObjective.flatten(estimator(spec + ",scope=full").estimate(new ExampleObjective(6, 2), 0).gradient());
            double[] whole = TestObjective.flatten(estimator(spec + ",scope=groups,m=6").estimate(new ExampleObjective(6, 2), 0).gradient());
            assertArrayEquals(full, scoped, 0.0, spec);
            assertArrayEquals(full, whole, 0.0, spec);
        }
    }

    @Test
    void scopeErrorsAreOneLineNamingTheProblem() {
        IllegalArgumentException notSplit = assertThrows(IllegalArgumentException.class,
                () -> estimator("sam:rho=0.1,scope=micro").estimate(ref, 0));
        assertTrue(notSplit.getMessage().contains("SplitOracle"), notSplit.getMessage());
        IllegalArgumentException uneven = assertThrows(IllegalArgumentException.class,
                () -> estimator("sam:rho=0.1,scope=groups,m=4").estimate(new ExampleObjective(6, 2), 0));
        assertTrue(uneven.getMessage().contains("does not split into parts of 4"), uneven.getMessage());
        assertThrows(IllegalArgumentException.class, () -> estimator("sam:rho=0.1,scope=groups"));
        assertThrows(IllegalArgumentException.class, () -> estimator("sam:rho=0.1,m=3"));
    }

}
