package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.Esam;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.Gsam;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Schedule;
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

    /** Zhuang et al. 2022, Algorithm 1, with ρ_t = ρ_min + (ρ − ρ_min)·η_t/η_max (η_min = 0). */
    @Test
    void gsamFollowsAlgorithm1WithRhoProportionalToTheLearningRate() {
        double rho = 0.08;
        double rhoMin = 0.02;
        double alpha = 0.3;
        Schedule lr = Schedule.warmupCosine(0.1, 2, 10);
        double[] x = TestObjective.start();
        double gap = 0;
        double cos = 0;
        for (int t = 0; t < 6; t++) {
            double eta = t < 2 ? 0.1 * t / 2 : 0.5 * 0.1 * (1 + Math.cos(Math.PI * (t - 2) / 8.0));
            double rhoT = rhoMin + (rho - rhoMin) * eta / 0.1;
            double[] g1 = ref.gradient(x);
            double[] xp = axpy(rhoT / norm(g1), g1, x);
            double[] g2 = ref.gradient(xp);
            double c = dot(g1, g2) / dot(g2, g2);
            double[] g = new double[9];
            for (int i = 0; i < 9; i++) {
                g[i] = g2[i] - alpha * (g1[i] - c * g2[i]);
            }
            gap = ref.value(xp) - ref.value(x);
            cos = dot(g1, g2) / (norm(g1) * norm(g2));
            x = axpy(-eta, g, x);
        }
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(Sgd.of(lr)).estimator(estimator("gsam:rho=0.08,rho_min=0.02,alpha=0.3"));
        StepInfo info = opt.run(f, 6);
        assertArrayEquals(x, f.x(), TOL);
        assertEquals(gap, info.values().get("surrogate_gap"), 1e-13);
        assertEquals(cos, info.values().get("cos"), 1e-13);
        double eta5 = 0.5 * 0.1 * (1 + Math.cos(Math.PI * 3 / 8.0));
        assertEquals(rhoMin + (rho - rhoMin) * eta5 / 0.1, info.values().get("rho"), 1e-15);
    }

    @Test
    void gsamNeedsTheLearningRateAndItsMaximum() {
        IllegalStateException unbound = assertThrows(IllegalStateException.class,
                () -> estimator("gsam:rho=0.1,alpha=0.1").estimate(ref, 0));
        assertTrue(unbound.getMessage().contains("use it in an Optimizer"), unbound.getMessage());
        IllegalArgumentException noMax = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of(Sgd.of(t -> 0.1)).estimator(estimator("gsam:rho=0.1,alpha=0.1")));
        assertTrue(noMax.getMessage().contains("give lr_max"), noMax.getMessage());
        Optimizer.of(Sgd.of(t -> 0.1)).estimator(estimator("gsam:rho=0.1,alpha=0.1,lr_max=0.2"));
    }

    /** Yue et al. 2023: decoupled (Algorithm 1, the official default) and coupled, α = γ/(1 − γ), over SGD with momentum. */
    @Test
    void wsamDecoupledAndCoupled() {
        double rho = 0.1;
        double gamma = 0.6;
        double alpha = gamma / (1 - gamma);
        double lr = 0.05;
        double mu = 0.9;
        for (boolean decouple : new boolean[] {true, false}) {
            double[] x = TestObjective.start();
            double[] b = new double[9];
            for (int t = 0; t < 6; t++) {
                double[] g1 = ref.gradient(x);
                double[] g2 = ref.gradient(axpy(rho / norm(g1), g1, x));
                double[] g = decouple ? g1 : new double[9];
                if (!decouple) {
                    for (int i = 0; i < 9; i++) {
                        g[i] = (1 - alpha) * g1[i] + alpha * g2[i];
                    }
                }
                for (int i = 0; i < 9; i++) {
                    b[i] = t == 0 ? g[i] : mu * b[i] + g[i];
                    x[i] -= lr * b[i];
                    if (decouple) {
                        x[i] -= lr * alpha * (g2[i] - g1[i]);
                    }
                }
            }
            TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
            assertArrayEquals(x, run(Optimizer.of(Sgd.of(lr).momentum(mu)).estimator(
                    estimator("wsam:rho=0.1,gamma=0.6,decouple=" + decouple)), f, 6), TOL, "decouple=" + decouple);
        }
    }

    /** Liu et al. 2022, Algorithm 1: SAM every k-th step, g + α·‖g‖·ĝ_v in between. */
    @Test
    void lookSamReusesTheOrthogonalComponent() {
        double rho = 0.1;
        double alpha = 0.7;
        double lr = 0.05;
        double[] x = TestObjective.start();
        double[] gv = null;
        for (int t = 0; t < 8; t++) {
            double[] g = ref.gradient(x);
            double[] step;
            if (t % 3 == 0) {
                double[] gs = ref.gradient(axpy(rho / norm(g), g, x));
                double[] v = axpy(-dot(g, gs) / dot(g, g), g, gs);
                gv = axpy(1 / norm(v) - 1, v, v);
                step = gs;
            } else {
                step = axpy(alpha * norm(g), gv, g);
            }
            x = axpy(-lr, step, x);
        }
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(Sgd.of(lr)).estimator(estimator("looksam:rho=0.1,k=3,alpha=0.7"));
        int evaluations = f.evaluations;
        assertArrayEquals(x, run(opt, f, 8), TOL);
        assertEquals(8 + 3, f.evaluations - evaluations, "two evaluations at steps 0, 3, 6, one otherwise");
    }

    /** Li et al. 2024: the EMA removed from the ascent, paper form (m_t) and the official code's (m_{t−1}, m_1 = g_1). */
    @Test
    void friendlySamPaperAndCodeForms() {
        double rho = 0.1;
        double sigma = 0.8;
        double lambda = 0.6;
        double lr = 0.05;
        for (String form : new String[] {"paper", "code"}) {
            double[] x = TestObjective.start();
            double[] m = null;
            for (int t = 0; t < 5; t++) {
                double[] g = ref.gradient(x);
                double[] d;
                if (form.equals("paper")) {
                    m = axpy(1 - lambda, g, m == null ? new double[9] : axpy(lambda - 1, m, m));
                    d = axpy(-sigma, m, g);
                } else if (m == null) {
                    m = g.clone();
                    d = g;
                } else {
                    d = axpy(-sigma, m, g);
                    m = axpy(1 - lambda, g, axpy(lambda - 1, m, m));
                }
                x = axpy(-lr, ref.gradient(axpy(rho / norm(d), d, x)), x);
            }
            TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
            assertArrayEquals(x, run(Optimizer.of(Sgd.of(lr)).estimator(
                    estimator("fsam:rho=0.1,sigma=0.8,lambda=0.6,form=" + form)), f, 5), TOL, form);
        }
    }

    /** Becker et al. 2024: one evaluation, at θ − ρ·v/‖v‖ with v SGD's momentum buffer (or Adam's m) before the step. */
    @Test
    void momentumSamAscendsAlongTheNegativeMomentum() {
        double rho = 0.2;
        double lr = 0.05;
        double mu = 0.9;
        double[] x = TestObjective.start();
        double[] v = null;
        for (int t = 0; t < 6; t++) {
            double[] g = v == null ? ref.gradient(x) : ref.gradient(axpy(-rho / norm(v), v, x));
            v = v == null ? g.clone() : axpy(1, g, axpy(mu - 1, v, v));
            x = axpy(-lr, v, x);
        }
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        int before = f.evaluations;
        assertArrayEquals(x, run(Optimizer.of(Sgd.of(lr).momentum(mu)).estimator(estimator("msam:rho=0.2")), f, 6), TOL);
        assertEquals(6, f.evaluations - before, "one evaluation a step");

        double b1 = 0.9;
        double b2 = 0.999;
        double[] y = TestObjective.start();
        double[] m = new double[9];
        double[] s = new double[9];
        for (int t = 1; t <= 6; t++) {
            double[] g = t == 1 ? ref.gradient(y) : ref.gradient(axpy(-rho / norm(m), m, y));
            for (int i = 0; i < 9; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
                y[i] -= 0.01 * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(s[i] / (1 - Math.pow(b2, t))) + 1e-8);
            }
        }
        TestObjective h = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        assertArrayEquals(y, run(Optimizer.of(Adam.of(0.01)).estimator(estimator("msam:rho=0.2")), h, 6), TOL);
    }

    @Test
    void momentumSamNeedsAMomentum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of(Sgd.of(0.1)).estimator(estimator("msam:rho=0.2")));
        assertTrue(e.getMessage().contains("keeps none"), e.getMessage());
    }

    /**
     * Du et al. 2022, SWP: tensor i is perturbed at step t when the i-th uniform of the stream
     * seeded seed·0x9E3779B97F4A7C15 + t is below β (the documented draw), by ρ·g₁,K/(β·‖g₁,K‖).
     */
    @Test
    void esamPerturbsTheKeptTensorsByRhoOverBeta() {
        double rho = 0.1;
        double beta = 0.5;
        long seed = 3;
        GradientEstimator esam = estimator("esam:rho=0.1,beta=0.5,seed=3");
        double[] x = TestObjective.start();
        double[] g1 = ref.gradient(x);
        Set<String> patterns = new HashSet<>();
        for (long t = 0; t < 12; t++) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + t);
            boolean w = r.nextDouble() < beta;
            boolean b = r.nextDouble() < beta;
            patterns.add(w + "/" + b);
            double[] gk = axpy(1, w ? only(g1, 0, 6) : new double[9], b ? only(g1, 6, 9) : new double[9]);
            double[] expected = norm(gk) == 0 ? g1 : ref.gradient(axpy(rho / (beta * norm(gk)), gk, x));
            TestObjective f = new TestObjective(x, DataType.DOUBLE);
            Estimate e = esam.estimate(f, t);
            assertArrayEquals(expected, TestObjective.flatten(e.gradient()), TOL, "step " + t);
            assertEquals(norm(gk) == 0 ? 1 : 2, e.evaluations());
            assertArrayEquals(x, f.x(), 0.0);
        }
        assertTrue(patterns.contains("true/false") && patterns.contains("false/true") && patterns.contains("true/true"),
                "the seeds should exercise every mask: " + patterns);
    }

    /** Du et al. 2022, SDS: the gradient at θ + ε over the ⌊γB⌋ examples whose loss rose the most. */
    @Test
    void esamSelectsTheSharpestExamples() {
        double rho = 0.3;
        ExampleObjective f = new ExampleObjective(8, 8);
        double[] x = f.x();
        int[] all = ExampleObjective.range(0, 8);
        double[] g1 = f.gradient(all, x);
        double[] xp = axpy(rho / norm(g1), g1, x);
        Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        java.util.Arrays.sort(order, (a, b) -> Double.compare(f.loss(b, xp) - f.loss(b, x), f.loss(a, xp) - f.loss(a, x)));
        int[] top = {order[0], order[1], order[2], order[3]};
        double[] expected = f.gradient(top, xp);
        int before = f.evaluations;
        Estimate e = estimator("esam:rho=0.3,beta=1,gamma=0.5").estimate(f, 0);
        assertArrayEquals(expected, TestObjective.flatten(e.gradient()), TOL);
        assertEquals(4, e.evaluations());
        assertEquals(4, f.evaluations - before);
        assertArrayEquals(x, f.x(), 0.0);
        IllegalArgumentException noExamples = assertThrows(IllegalArgumentException.class,
                () -> estimator("esam:rho=0.3,gamma=0.5").estimate(ref, 0));
        assertTrue(noExamples.getMessage().contains("per-example losses"), noExamples.getMessage());
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

    /** Zhang et al. 2023, the official code's four-pass form. */
    @Test
    void gamMatchesTheOfficialFourPassForm() {
        double rho = 0.2;
        double rp = 0.02;
        double alpha = 0.6;
        double beta = 0.3;
        double gamma = 0.05;
        double[] x = TestObjective.start();
        double[] g0 = ref.gradient(x);
        double[] g1 = ref.gradient(axpy(rp / norm(g0), g0, x));
        double[] d = axpy(-1, g0, g1);
        double[] x2 = axpy(rho / norm(d), d, x);
        double[] g2 = ref.gradient(x2);
        double[] g3 = ref.gradient(axpy(rp / norm(g2), g2, x2));
        double[] p = axpy(Math.abs(1 - beta), g2, g0);
        double[] q = axpy(1 - alpha, g3, axpy(alpha - 1, g1, g1));
        double c = dot(p, q) / dot(q, q);
        double[] expected = axpy(-gamma, axpy(-c, q, p), q);
        TestObjective f = new TestObjective(x, DataType.DOUBLE);
        Estimate e = estimator("gam:rho=0.2,rho_prime=0.02,alpha=0.6,beta=0.3,gamma=0.05").estimate(f, 0);
        assertArrayEquals(expected, TestObjective.flatten(e.gradient()), TOL);
        assertEquals(4, e.evaluations());
        assertEquals(4, f.evaluations);
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
        for (String spec : new String[] {"sam:rho=0.1", "asam:rho=0.5", "gr:r=0.1,alpha=0.8", "wsam:rho=0.1,gamma=0.6,decouple=false"}) {
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
        assertThrows(IllegalArgumentException.class, () -> estimator("looksam:rho=0.1,alpha=0.5,scope=micro"));
    }

    /** WSAM's decoupled term is applied after the rule with its learning rate, outside momentum and transforms. */
    @Test
    void decoupledTermIsCheckedBeforeAnyUpdate() {
        Oracle nanSecond = new Oracle() {
            private int n;

            @Override
            public Params params() {
                return ref.params();
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                Evaluation e = ref.evaluate(pass);
                if (++n == 2) {
                    e.gradient().get("b").putScalar(0, Double.POSITIVE_INFINITY);
                }
                return e;
            }
        };
        double[] before = ref.x();
        assertThrows(NonFiniteException.class, () -> Optimizer.of(Sgd.of(0.1)).estimator(estimator("wsam:rho=0.1,gamma=0.5")).step(nanSecond));
        assertArrayEquals(before, ref.x(), 0.0);
    }

    @Test
    void esamMasksArePureFunctionsOfSeedAndStep() {
        GradientEstimator a = Esam.of(0.1, 0.5, 1, 11);
        GradientEstimator b = Esam.of(0.1, 0.5, 1, 11);
        for (long t = 0; t < 6; t++) {
            assertArrayEquals(TestObjective.flatten(a.estimate(new TestObjective(TestObjective.start(), DataType.DOUBLE), t).gradient()),
                    TestObjective.flatten(b.estimate(new TestObjective(TestObjective.start(), DataType.DOUBLE), t).gradient()), 0.0);
        }
        assertTrue(a.state().isEmpty());
        Gsam.of(0.1, 0, 0.1); // the Java API builds as the registry does
    }
}
