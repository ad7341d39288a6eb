package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.properties.HarmfulGrEq9Property;

/**
 * Harmful-GR paper, Theorem 4.2 as printed (eqs. 7-9, proof eqs. 22-24): with σ_k = e^{−γk}σ₁
 * (eq. 7, k = 1..t), the delta-method value Var(Y)/(4E(Y)³) of Lemma 4.1 (eq. 8) is eq. 9. The
 * proof's sums (eq. 22: Σ_{k=1}^t e^{−γk}σ₁ = σ₁(1 − e^{−γt})/(1 − e^{−γ}); eq. 23: Σ_{k=1}^t 2σ_k² =
 * 2σ₁²(1 − e^{−2γt})/(1 − e^{−2γ})) are the geometric sums from k = 0, not k = 1, so eq. 9 is the
 * delta method only with σ_k = e^{−γ(k−1)}σ₁: that form is {@link Corrected}.
 */
public final class AdamVarianceClosedForm extends BaseClaim {

    static final int[] T = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};
    static final double[] GAMMA = {0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0};
    /** σ₁ is free in the theorem: swept over four decades. */
    static final double[] SIGMA1 = {0.01, 1, 100};
    /** Exact algebra in doubles: relative differences above this are real. */
    public static final double ALGEBRA_TOLERANCE = 1e-10;

    public AdamVarianceClosedForm() {
        super("harmful-gr.thm4.2-algebra", Papers.HARMFUL_GR, "Theorem 4.2 as printed (eqs. 7-9; proof eqs. 22-24)",
                "With g_k ~ N(0, σ_k) independent, σ_k = e^{−γk}σ₁ (eq. 7, k = 1..t), γ > 0: Lemma 4.1's Var(Y)/(4E(Y)³), "
                        + "Y = (1/t)Σ_{k=1}^t g_k², equals eq. 9, t/(2σ₁)·(1 + e^{−γt})(1 − e^{−γ})²/((1 + e^{−γ})(1 − e^{−γt})²); the proof "
                        + "gets it from eq. 22, Σ_{k=1}^t e^{−γk}σ₁ = σ₁(1 − e^{−γt})/(1 − e^{−γ}), and eq. 23, Σ_{k=1}^t 2σ_k² = "
                        + "2σ₁²(1 − e^{−2γt})/(1 − e^{−2γ}).",
                "Plain double arithmetic on t ∈ {1, 2, 3, 5, …, 500} × γ ∈ {0.001, …, 2} × σ₁ ∈ {0.01, 1, 100} (240 cells): the "
                        + "delta method from the sums Σσ_k, Σσ_k² with σ_k as eq. 7 prints it, against eq. 9; the sums of eqs. 22 and 23 "
                        + "against their printed closed forms. Each of the three is a case with margin −|relative difference| and "
                        + "resolution 1e-10 (rounding). The counterexample is jqwik's: the same identity as a property over t ∈ [1, 500], "
                        + "γ ∈ [0.001, 2] (200 seeded tries), shrunk.");
    }

    /** |delta method with eq. 7 as printed / eq. 9 − 1|. */
    public static double printedRelativeDifference(int t, double gamma, double sigma1) {
        double closed = AdamVariance.eq9(t, gamma, sigma1);
        return Math.abs(AdamVariance.deltaMethod(AdamVariance.variances(t, gamma, sigma1, false)) / closed - 1);
    }

    static double[] sums(int t, double gamma, double sigma1, boolean fromZero) {
        double s1 = 0;
        double s2 = 0;
        for (double v : AdamVariance.variances(t, gamma, sigma1, fromZero)) {
            s1 += v;
            s2 += 2 * v * v;
        }
        return new double[] {s1, s2};
    }

    /** Eq. 22's and eq. 23's printed right-hand sides. */
    static double[] printedSums(int t, double gamma, double sigma1) {
        double q = Math.exp(-gamma);
        return new double[] {sigma1 * (1 - Math.pow(q, t)) / (1 - q), 2 * sigma1 * sigma1 * (1 - Math.pow(q, 2 * t)) / (1 - q * q)};
    }

    static List<Case> cases(boolean fromZero) {
        List<Case> cases = VerdictRule.cases();
        for (double sigma1 : SIGMA1) {
            for (int t : T) {
                for (double g : GAMMA) {
                    String cell = String.format(Locale.ROOT, "t=%d γ=%s σ₁=%s", t, g, sigma1);
                    double closed = AdamVariance.eq9(t, g, sigma1);
                    double delta = AdamVariance.deltaMethod(AdamVariance.variances(t, g, sigma1, fromZero));
                    cases.add(Case.of(cell + ": delta method vs eq. 9", -Math.abs(delta / closed - 1), ALGEBRA_TOLERANCE));
                    double[] s = sums(t, g, sigma1, fromZero);
                    double[] p = printedSums(t, g, sigma1);
                    cases.add(Case.of(cell + ": eq. 22 sum", -Math.abs(s[0] / p[0] - 1), ALGEBRA_TOLERANCE));
                    cases.add(Case.of(cell + ": eq. 23 sum", -Math.abs(s[1] / p[1] - 1), ALGEBRA_TOLERANCE));
                }
            }
        }
        return cases;
    }

    @Override
    public Outcome check() {
        VerdictRule.Judgement j = VerdictRule.judge(VerdictRule.Kind.EXACT, cases(false));
        double minRatio = Double.POSITIVE_INFINITY;
        double maxRatio = 0;
        for (int t : T) {
            for (double g : GAMMA) {
                double r = AdamVariance.deltaMethod(AdamVariance.variances(t, g, 1, false)) / AdamVariance.eq9(t, g, 1) / Math.exp(g);
                minRatio = Math.min(minRatio, r);
                maxRatio = Math.max(maxRatio, r);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("delta method (eq. 7 as printed) ÷ (eq. 9 · e^γ), min and max over the grid", new double[] {minRatio, maxRatio});
        ev.put("eq. 22's printed sum ÷ Σ_{k=1}^t e^{−γk}σ₁", "e^γ (the printed form sums k = 0..t−1)");
        if (j.verdict() != org.gradreg.theory.Verdict.FAILS) {
            return VerdictRule.outcome(j, ev);
        }
        JqwikShrinking.Result r = JqwikShrinking.run(HarmfulGrEq9Property.class, "deltaMethodUnderEq7IsEq9");
        ev.put("jqwik: tries, original sample, shrinking steps", r.tries() + ", " + r.original().map(org.gradreg.theory.ClaimsLedger::render)
                .orElse("none") + ", " + r.shrinkingSteps());
        String counter = r.shrunk().map(s -> {
            int t = (Integer) s.get(0);
            double g = (Double) s.get(1);
            double delta = AdamVariance.deltaMethod(AdamVariance.variances(t, g, 1, false));
            return String.format(Locale.ROOT, "t = %d, γ = %s, σ₁ = 1 (the sample jqwik shrank): delta method under eq. 7 = %.10g, eq. 9 = "
                    + "%.10g (ratio %.10g = e^γ)", t, g, delta, AdamVariance.eq9(t, g, 1), delta / AdamVariance.eq9(t, g, 1));
        }).orElse(null);
        return VerdictRule.outcome(j, ev, counter);
    }

    /**
     * Theorem 4.2 corrected: with σ_k = e^{−γ(k−1)}σ₁ (the first gradient has variance σ₁, as the
     * name σ₁ says) the sums of eqs. 22-23 are the geometric sums Σ_{k=1}^t e^{−γ(k−1)} =
     * (1 − e^{−γt})/(1 − e^{−γ}) and Σ_{k=1}^t e^{−2γ(k−1)} = (1 − e^{−2γt})/(1 − e^{−2γ}), and eq. 24's
     * algebra gives eq. 9 exactly.
     */
    public static final class Corrected extends BaseClaim {

        public Corrected() {
            super("harmful-gr.thm4.2-algebra-corrected", Papers.HARMFUL_GR, "Theorem 4.2 with eq. 7 re-indexed (eqs. 7-9, 22-24)",
                    "With σ_k = e^{−γ(k−1)}σ₁ (k = 1..t, so the first variance is σ₁), Lemma 4.1's Var(Y)/(4E(Y)³) equals eq. 9, and the "
                            + "sums of eqs. 22-23 are exact.",
                    "Derivation: Σ_{k=1}^t e^{−γ(k−1)} = (1 − e^{−γt})/(1 − e^{−γ}) and Σ_{k=1}^t e^{−2γ(k−1)} = (1 − e^{−2γt})/(1 − e^{−2γ}) "
                            + "(geometric series from k − 1 = 0), which are eqs. 22-23's right sides; eq. 24's algebra then gives eq. 9. Checked "
                            + "on the same 240 cells (t, γ, σ₁) as the printed claim, margin −|relative difference|, resolution 1e-10.");
        }

        @Override
        public Outcome check() {
            return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases(true)), Map.of());
        }
    }
}
