package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.properties.AgrEqA10Property;

/**
 * AGR paper, Appendix A2, eq. 10 (proof of Theorem 4.2): with α_{t−i} = α̂ at every step, eq. 9's
 * update w_t − η_t Σ_i β₁ⁱ(1 − β₁)((1 − α_{t−i})∇L)_{t−i} is printed as
 * w_t − η_t √(1 − α̂ᵗ) Σ_i β₁ⁱ(1 − β₁) √(1 − α̂ᵗ) (∇L)_{t−i}, i.e. (1 − α̂ᵗ) times the plain sum. With α
 * constant the factor (1 − α̂) comes out of every term of eq. 9's sum, so the factor is (1 − α̂)
 * ({@link Corrected}); (1 − α̂ᵗ) agrees with it only at t = 1.
 */
public final class AgrEqA10Factor extends BaseClaim {

    static final double[] ALPHAS = {0.001, 0.01, 0.1, 0.3, 0.5, 0.9};
    static final int[] STEPS = {1, 2, 3, 5, 10, 100};
    static final double BETA1 = 0.9;
    /** Plain double sums of ≤ 100 terms: relative rounding. */
    public static final double RESOLUTION = 1e-12;

    public AgrEqA10Factor() {
        super("agr.eqA10-factor", Papers.AGR, "Appendix A2, eq. 10 (from eq. 9)",
                "With α_{t−i} = α̂ at every step, eq. 9's update becomes w_{t+1} = w_t − η_t√(1 − α̂ᵗ)Σ_i β₁ⁱ(1 − β₁)√(1 − α̂ᵗ)(∇L)_{t−i}: "
                        + "the AGR update is (1 − α̂ᵗ) times the plain one.",
                METHOD + " Margin −|eq. 9 sum/((1 − α̂ᵗ)·plain sum) − 1|, resolution 1e-12. The counterexample is jqwik's (the same identity "
                        + "as a property over α̂ ∈ [0.01, 0.99], t ∈ [1, 100], shrunk).");
    }

    static final String METHOD = "Eq. 9's sum Σ_{i=0}^{t−1} β₁ⁱ(1 − β₁)(1 − α̂)g_{t−i} in plain doubles (β₁ = 0.9, seeded gradients g_k ~ N(0, 1)) "
            + "against the plain sum Σ β₁ⁱ(1 − β₁)g_{t−i} times the factor, for α̂ ∈ {0.001, 0.01, 0.1, 0.3, 0.5, 0.9} × t ∈ {1, 2, 3, 5, 10, "
            + "100}; beside it, optim's AdamW with agr(PAPER) against plain AdamW (claim agr.thm4.2-lr-scaling) measures the same factor.";

    /** {eq. 9's sum with Ψ, the plain sum} after t steps of seeded gradients. */
    static double[] sums(double alpha, int t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double psi = 0;
        double plain = 0;
        for (int i = 0; i < t; i++) {
            double g = r.nextGaussian();
            double w = Math.pow(BETA1, i) * (1 - BETA1);
            psi += w * (1 - alpha) * g;
            plain += w * g;
        }
        return new double[] {psi, plain};
    }

    /** |eq. 9's sum / ((1 − α̂ᵗ) plain sum) − 1|. */
    public static double printedRelativeError(double alpha, int t) {
        double[] s = sums(alpha, t, 11);
        return Math.abs(s[0] / ((1 - Math.pow(alpha, t)) * s[1]) - 1);
    }

    static List<Case> cases(boolean corrected) {
        List<Case> cases = VerdictRule.cases();
        for (double a : ALPHAS) {
            for (int t : STEPS) {
                double[] s = sums(a, t, 11);
                double factor = corrected ? 1 - a : 1 - Math.pow(a, t);
                double rel = Math.abs(s[0] / (factor * s[1]) - 1);
                cases.add(Case.of(String.format(Locale.ROOT, "α̂ = %s, t = %d: eq. 9 sum / plain sum = %.6g, factor %.6g", a, t, s[0] / s[1], factor),
                        -rel, RESOLUTION));
            }
        }
        return cases;
    }

    @Override
    public Outcome check() {
        VerdictRule.Judgement j = VerdictRule.judge(VerdictRule.Kind.EXACT, cases(false));
        Map<String, Object> ev = new LinkedHashMap<>();
        if (j.verdict() != Verdict.FAILS) {
            return VerdictRule.outcome(j, ev);
        }
        JqwikShrinking.Result r = JqwikShrinking.run(AgrEqA10Property.class, "eq10FactorIsOneMinusAlphaToTheT");
        ev.put("jqwik: tries, original sample, shrinking steps", r.tries() + ", " + r.original().map(org.gradreg.theory.ClaimsLedger::render)
                .orElse("none") + ", " + r.shrinkingSteps());
        String counter = r.shrunk().map(x -> {
            double a = (Double) x.get(0);
            int t = (Integer) x.get(1);
            return String.format(Locale.ROOT, "α̂ = %s, t = %d (the sample jqwik shrank): eq. 9's factor is 1 − α̂ = %.6g, eq. 10's 1 − α̂ᵗ = %.6g",
                    a, t, 1 - a, 1 - Math.pow(a, t));
        }).orElse(null);
        return VerdictRule.outcome(j, ev, counter);
    }

    /** Eq. 10 with the factor (1 − α̂). */
    public static final class Corrected extends BaseClaim {

        public Corrected() {
            super("agr.eqA10-factor-corrected", Papers.AGR, "Appendix A2, eqs. 9-10 with the factor 1 − α̂",
                    "With α_{t−i} = α̂ at every step, eq. 9's update is w_{t+1} = w_t − η_t(1 − α̂)Σ_i β₁ⁱ(1 − β₁)(∇L)_{t−i}: (1 − α̂) times "
                            + "the plain one.",
                    "Derivation: each term of eq. 9's sum is β₁ⁱ(1 − β₁)(1 − α̂)(∇L)_{t−i}; the common factor (1 − α̂) comes out of the "
                            + "sum. " + METHOD + " Margin −|eq. 9 sum/((1 − α̂)·plain sum) − 1|, resolution 1e-12.");
        }

        @Override
        public Outcome check() {
            return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases(true)), Map.of());
        }
    }
}
