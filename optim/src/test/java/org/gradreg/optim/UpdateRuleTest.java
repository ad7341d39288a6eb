package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.optim.transform.Agr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Each update rule against the published equations evaluated independently here in plain double
 * arithmetic on the flattened parameter vector, over several steps of a non-quadratic objective
 * (so the gradients change every step). Tensor w is elements 0-5, tensor b elements 6-8.
 */
class UpdateRuleTest {

    static final int STEPS = 12;
    static final int[][] TENSORS = {{0, 6}, {6, 9}};
    static final double TOL = 1e-11;

    private final TestObjective ref = new TestObjective(TestObjective.start(), DataType.DOUBLE);

    /** Runs the rule on the objective for STEPS steps and returns the final flattened parameters. */
    private static double[] run(UpdateRule rule, DataType type) {
        TestObjective f = new TestObjective(TestObjective.start(), type);
        Optimizer opt = Optimizer.of(rule);
        for (int i = 0; i < STEPS; i++) {
            opt.step(f);
        }
        return f.x();
    }

    /** Coupled L2 on every tensor, the transform torch's {@code weight_decay} is. */
    private static AddDecayedWeights l2(double wd) {
        return AddDecayedWeights.of(wd, DecayMask.all());
    }

    private static double lr(int step) {
        return 0.05 * Math.min(1.0, (step + 1) / 4.0);
    }

    private static final Schedule LR = Schedule.linearWarmup(0.05, 4);

    /** LR schedule shifted so that step 0 is not zero: lr(t) = 0.05·min(1, (t+1)/4). */
    private static final Schedule LR_SHIFTED = step -> lr((int) step);

    @Test
    void sgdWithNesterovMomentumAndCoupledDecay() {
        double mu = 0.9;
        double wd = 0.01;
        double[] x = TestObjective.start();
        double[] b = new double[9];
        for (int t = 0; t < STEPS; t++) {
            double[] g = ref.gradient(x);
            for (int i = 0; i < 9; i++) {
                g[i] += wd * x[i];
                b[i] = t == 0 ? g[i] : mu * b[i] + g[i];
                x[i] -= lr(t) * (g[i] + mu * b[i]);
            }
        }
        assertArrayEquals(x, run(l2(wd).before(Sgd.of(LR_SHIFTED).momentum(mu).nesterov()), DataType.DOUBLE), TOL);
    }

    @Test
    void sgdWithDampenedMomentum() {
        double mu = 0.8;
        double tau = 0.3;
        double[] x = TestObjective.start();
        double[] b = new double[9];
        for (int t = 0; t < STEPS; t++) {
            double[] g = ref.gradient(x);
            for (int i = 0; i < 9; i++) {
                b[i] = t == 0 ? g[i] : mu * b[i] + (1 - tau) * g[i];
                x[i] -= lr(t) * b[i];
            }
        }
        assertArrayEquals(x, run(Sgd.of(LR_SHIFTED).momentum(mu).dampening(tau), DataType.DOUBLE), TOL);
    }

    /** Adam, eq. 5 of the harmful-GR paper, with coupled L2 and optional AGR Ψ (per tensor). */
    private double[] adamReference(double wd, boolean decoupled, Agr.Placement agr, boolean maskVectors) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] x = TestObjective.start();
        double[] m = new double[9];
        double[] v = new double[9];
        for (int t = 1; t <= STEPS; t++) {
            double eta = lr(t - 1);
            double[] g = ref.gradient(x);
            if (!decoupled) {
                for (int i = 0; i < 9; i++) {
                    g[i] += decays(i, maskVectors) ? wd * x[i] : 0;
                }
            }
            double[] psi = agr == null ? g : psi(g);
            double[] second = agr == Agr.Placement.CODE ? psi : g;
            for (int i = 0; i < 9; i++) {
                m[i] = b1 * m[i] + (1 - b1) * psi[i];
                v[i] = b2 * v[i] + (1 - b2) * second[i] * second[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                if (decoupled && decays(i, maskVectors)) {
                    x[i] *= 1 - eta * wd;
                }
                x[i] -= eta * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return x;
    }

    private static boolean decays(int i, boolean maskVectors) {
        return !maskVectors || i < 6;
    }

    /** AGR eqs. 1-2, per tensor. */
    static double[] psi(double[] g) {
        double[] out = new double[g.length];
        for (int[] seg : TENSORS) {
            double sumAbs = 0;
            for (int i = seg[0]; i < seg[1]; i++) {
                sumAbs += Math.abs(g[i]);
            }
            for (int i = seg[0]; i < seg[1]; i++) {
                out[i] = g[i] - g[i] * Math.abs(g[i]) / sumAbs;
            }
        }
        return out;
    }

    @Test
    void adamWithCoupledL2() {
        assertArrayEquals(adamReference(0.01, false, null, false),
                run(l2(0.01).before(Adam.of(LR_SHIFTED)), DataType.DOUBLE), TOL);
    }

    @Test
    void adamWDecoupledWithVectorMask() {
        assertArrayEquals(adamReference(0.1, true, null, true),
                run(AdamW.of(LR_SHIFTED).weightDecay(0.1).decayMask(DecayMask.noDecayOn1D()), DataType.DOUBLE), TOL);
    }

    @Test
    void adamWWithAgrPaperPlacement() {
        assertArrayEquals(adamReference(0.05, true, Agr.Placement.PAPER, false),
                run(AdamW.of(LR_SHIFTED).weightDecay(0.05).agr(Agr.Placement.PAPER), DataType.DOUBLE), TOL);
    }

    @Test
    void adamWWithAgrCodePlacement() {
        assertArrayEquals(adamReference(0.05, true, Agr.Placement.CODE, false),
                run(AdamW.of(LR_SHIFTED).weightDecay(0.05).agr(Agr.Placement.CODE), DataType.DOUBLE), TOL);
    }

    @Test
    void agrPlacementsDiffer() {
        double[] paper = run(AdamW.of(LR_SHIFTED).agr(Agr.Placement.PAPER), DataType.DOUBLE);
        double[] code = run(AdamW.of(LR_SHIFTED).agr(Agr.Placement.CODE), DataType.DOUBLE);
        double diff = 0;
        for (int i = 0; i < 9; i++) {
            diff = Math.max(diff, Math.abs(paper[i] - code[i]));
        }
        assertEquals(true, diff > 1e-4, "the two AGR placements should give different trajectories, max diff " + diff);
    }

    @Test
    void adamInFloatTracksDoubleReference() {
        assertArrayEquals(adamReference(0.0, false, null, false), run(Adam.of(LR_SHIFTED), DataType.FLOAT), 2e-5);
    }

    @Test
    void rmsPropWithMomentum() {
        double rho = 0.9;
        double mu = 0.5;
        double eps = 1e-8;
        double wd = 0.02;
        double[] x = TestObjective.start();
        double[] v = new double[9];
        double[] b = new double[9];
        for (int t = 0; t < STEPS; t++) {
            double[] g = ref.gradient(x);
            for (int i = 0; i < 9; i++) {
                g[i] += wd * x[i];
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                b[i] = mu * b[i] + g[i] / (Math.sqrt(v[i]) + eps);
                x[i] -= lr(t) * b[i];
            }
        }
        assertArrayEquals(x, run(l2(wd).before(RmsProp.of(LR_SHIFTED).decay(rho).momentum(mu)), DataType.DOUBLE), TOL);
    }

    /** Adan as in docs/references.md (official code): retention betas, d₁ = 0, three bias corrections. */
    private double[] adanReference(double wd, boolean noProx, double maxGradNorm, Agr.Placement agr) {
        double b1 = 0.98;
        double b2 = 0.92;
        double b3 = 0.99;
        double eps = 1e-8;
        double[] x = TestObjective.start();
        double[] m = new double[9];
        double[] v = new double[9];
        double[] n = new double[9];
        double[] prev = null;
        for (int t = 1; t <= STEPS; t++) {
            double eta = lr(t - 1);
            double[] g = ref.gradient(x);
            if (maxGradNorm > 0) {
                double norm = 0;
                for (double gi : g) {
                    norm += gi * gi;
                }
                double coef = Math.min(1, maxGradNorm / (Math.sqrt(norm) + eps));
                for (int i = 0; i < 9; i++) {
                    g[i] *= coef;
                }
            }
            if (agr == Agr.Placement.CODE) {
                g = psi(g);
            }
            double[] forM = agr == Agr.Placement.PAPER ? psi(g) : g;
            for (int i = 0; i < 9; i++) {
                double d = prev == null ? 0 : g[i] - prev[i];
                m[i] = b1 * m[i] + (1 - b1) * forM[i];
                v[i] = b2 * v[i] + (1 - b2) * d;
                n[i] = b3 * n[i] + (1 - b3) * (g[i] + b2 * d) * (g[i] + b2 * d);
                double step = eta / (1 - Math.pow(b1, t));
                double stepD = eta * b2 / (1 - Math.pow(b2, t));
                double denom = Math.sqrt(n[i]) / Math.sqrt(1 - Math.pow(b3, t)) + eps;
                if (noProx) {
                    x[i] = x[i] * (1 - eta * wd) - step * m[i] / denom - stepD * v[i] / denom;
                } else {
                    x[i] = (x[i] - step * m[i] / denom - stepD * v[i] / denom) / (1 + eta * wd);
                }
            }
            prev = g;
        }
        return x;
    }

    @Test
    void adanProximal() {
        assertArrayEquals(adanReference(0.02, false, 0, null), run(Adan.of(LR_SHIFTED).weightDecay(0.02), DataType.DOUBLE), TOL);
    }

    @Test
    void adanWithClippingInTheFusedPass() {
        // without AGR the clipping factor is applied inside Adan's one-pass update
        assertArrayEquals(adanReference(0.02, true, 1.0, null),
                run(Adan.of(LR_SHIFTED).weightDecay(0.02).noProx().maxGradNorm(1.0), DataType.DOUBLE), TOL);
        assertArrayEquals(adanReference(0.02, false, 1.0, null),
                run(Adan.of(LR_SHIFTED).weightDecay(0.02).maxGradNorm(1.0), DataType.DOUBLE), TOL);
    }

    @Test
    void adanNoProxWithClippingAndAgr() {
        assertArrayEquals(adanReference(0.02, true, 1.0, Agr.Placement.PAPER),
                run(Adan.of(LR_SHIFTED).weightDecay(0.02).noProx().maxGradNorm(1.0).agr(Agr.Placement.PAPER), DataType.DOUBLE), TOL);
        assertArrayEquals(adanReference(0.0, false, 0, Agr.Placement.CODE),
                run(Adan.of(LR_SHIFTED).agr(Agr.Placement.CODE), DataType.DOUBLE), TOL);
    }

    @Test
    void adanRestartZeroesMomentsAndCount() {
        Adan adan = Adan.of(0.01);
        Optimizer opt = Optimizer.of(adan);
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        opt.run(f, 3);
        Adan live = (Adan) opt.rule();
        live.restart();
        assertEquals(0L, live.state().get("count").getLong(0));
        assertEquals(1, live.state().size(), "only the count remains after restart");
    }

    @Test
    void adamSScheduledDecay() {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 5e-2;
        double[] x = TestObjective.start();
        double[] m = new double[9];
        double[] v = new double[9];
        for (int t = 1; t <= STEPS; t++) {
            double eta = lr(t - 1);
            double[] g = ref.gradient(x);
            double meanVHat = 0;
            for (int i = 0; i < 9; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                meanVHat += v[i] / (1 - Math.pow(b2, t)) / 9;
            }
            double s = Math.sqrt(meanVHat);
            for (int i = 0; i < 9; i++) {
                x[i] *= 1 - eta * wd / s;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                x[i] -= eta * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        assertArrayEquals(x, run(AdamS.of(LR_SHIFTED).weightDecay(wd), DataType.DOUBLE), TOL);
    }

    @Test
    void linearWarmupStartsAtZero() {
        assertEquals(0.0, LR.at(0));
        assertEquals(0.025, LR.at(2), 1e-15);
        assertEquals(0.05, LR.at(100));
    }
}
