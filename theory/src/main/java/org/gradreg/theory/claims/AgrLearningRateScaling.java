package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.transform.Agr;
import java.util.List;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * AGR paper, Theorem 4.2 ("AGR adaptively adjusts the learning rate η_ij using the gradient") and
 * its proof (Appendix A2, eqs. 8-10). Read quantitatively: a step with Ψ(g) = (1 − α)⊙g is a step
 * with the per-element learning rate η(1 − α_ij), α = |g|/Σ|g|. Checked for SGD (eq. 3) and, under
 * the proof's assumption that α is the same at every step, for AdamW+AGR in both placements, where
 * the proof's eq. 10 puts the factor at (1 − α̂ᵗ).
 */
public final class AgrLearningRateScaling extends BaseClaim {

    static final int SGD_CASES = 200;
    static final int ADAM_CASES = 20;
    static final int ADAM_STEPS = 10;
    static final double LR = 0.01;
    /** Relative error under which a step counts as exactly the per-element scaled step. */
    static final double EXACT = 1e-9;

    public AgrLearningRateScaling() {
        super("agr.thm4.2-lr-scaling", "agr-adaptive-gradient-regularization", "Theorem 4.2 (eq. 3, Algorithm 2)",
                "\"AGR adaptively adjusts the learning rate η_ij using the gradient\", read quantitatively: a step with Ψ(g) is a step with "
                        + "the per-element learning rate η(1 − α_ij), α = |g|/Σ|g|, for SGD (eq. 3) and, with α the same at every step (the "
                        + "proof's assumption), for AdamW+AGR as Algorithm 2 places Ψ (first moment only).",
                "(a) One step of optim's Sgd with the Agr transform against SGD with per-element rate η(1 − α_i) in plain doubles, on "
                        + "200 seeded random gradients of 2-50 elements. (b) optim's AdamW (λ = 0) with agr(PAPER) and agr(CODE) against "
                        + "plain AdamW on 20 seeded linear losses cᵀw (constant gradient, so α is the same at every step, the proof's "
                        + "assumption), 10 steps: the per-element ratio of the AGR step to the plain step against (1 − α_i). Margin −(largest relative error over the elements), resolution 1e-9. The official code's placement "
                        + "(Ψ in both moments) is reported, not judged: it is not the paper's algorithm.");
    }

    static double[] randomVector(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] g = new double[2 + r.nextInt(49)];
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextGaussian() * Math.exp(r.nextDouble(-2, 2));
        }
        return g;
    }

    static double[] alpha(double[] g) {
        double s = 0;
        for (double x : g) {
            s += Math.abs(x);
        }
        double[] a = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            a[i] = Math.abs(g[i]) / s;
        }
        return a;
    }

    /** Largest relative difference between optim's SGD+AGR step and SGD with per-element rate η(1 − α_i). */
    public static double sgdScalingError(long seed) {
        double[] g = randomVector(seed);
        double[] theta0 = new SplittableRandom(seed + 1).doubles(g.length, -1, 1).toArray();
        FunctionOracle o = FunctionOracle.of(VectorFunction.of(t -> 0, t -> g.clone()), theta0);
        Optimizer.of(Sgd.of(LR)).transform(Agr.psi()).step(o);
        double[] theta = o.theta();
        double[] a = alpha(g);
        double err = 0;
        for (int i = 0; i < g.length; i++) {
            double expectedStep = LR * (1 - a[i]) * g[i];
            double step = theta0[i] - theta[i];
            err = Math.max(err, Math.abs(step - expectedStep) / Math.abs(expectedStep));
        }
        return err;
    }

    /** θ after {@code ADAM_STEPS} steps of AdamW (optionally with AGR) from 0 on the linear loss cᵀw. */
    static double[] adamW(double[] c, Agr.Placement placement) {
        FunctionOracle o = FunctionOracle.of(VectorFunction.of(t -> 0, t -> c.clone()), new double[c.length]);
        AdamW rule = AdamW.of(LR, 0);
        Optimizer.of(placement == null ? rule : rule.agr(placement)).run(o, ADAM_STEPS);
        return o.theta();
    }

    /**
     * For linear loss {@code seed}: the largest relative deviation of the per-element ratio
     * (AGR displacement / plain displacement) from (1 − α), from (1 − αᵗ), each for the paper and
     * the code placement: {paper vs 1−α, paper vs 1−αᵗ, code vs 1−α, code vs 1−αᵗ, code vs 1}.
     */
    public static double[] adamScalingErrors(long seed) {
        double[] c = randomVector(seed);
        double[] a = alpha(c);
        double[] plain = adamW(c, null);
        double[] paper = adamW(c, Agr.Placement.PAPER);
        double[] code = adamW(c, Agr.Placement.CODE);
        double[] e = new double[5];
        for (int i = 0; i < c.length; i++) {
            double rp = paper[i] / plain[i];
            double rc = code[i] / plain[i];
            double f1 = 1 - a[i];
            double ft = 1 - Math.pow(a[i], ADAM_STEPS);
            e[0] = Math.max(e[0], Math.abs(rp / f1 - 1));
            e[1] = Math.max(e[1], Math.abs(rp / ft - 1));
            e[2] = Math.max(e[2], Math.abs(rc / f1 - 1));
            e[3] = Math.max(e[3], Math.abs(rc / ft - 1));
            e[4] = Math.max(e[4], Math.abs(rc - 1));
        }
        return e;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        for (long s = 0; s < SGD_CASES; s++) {
            cases.add(Case.of("SGD+AGR (eq. 3), random gradient " + s, -sgdScalingError(s), EXACT));
        }
        double[] adam = new double[5];
        for (long s = 0; s < ADAM_CASES; s++) {
            double[] e = adamScalingErrors(1000 + s);
            cases.add(Case.of("AdamW+AGR (Algorithm 2, Ψ in the first moment), constant α, linear loss " + (1000 + s), -e[0], EXACT));
            for (int k = 0; k < e.length; k++) {
                adam[k] = Math.max(adam[k], e[k]);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("AdamW+AGR (Algorithm 2): step ratio vs eq. A10's (1 − α̂ᵗ), largest relative error (claim agr.eqA10-factor)", adam[1]);
        ev.put("official code placement (Ψ in both moments, not the paper's algorithm): step ratio vs (1 − α), vs 1 (no scaling)",
                new double[] {adam[2], adam[4]});
        ev.put("steps t", ADAM_STEPS);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
