package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.theory.Verdict;

/** Harmful-GR paper, Theorem 4.2's algebra: eq. 9 is Lemma 4.1's Var(Y)/(4E(Y)³) under eq. 7. */
public final class AdamVarianceClosedForm extends BaseClaim {

    static final int[] T = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    static final double[] GAMMA = {0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0};
    static final double ALGEBRA_TOLERANCE = 1e-10;

    public AdamVarianceClosedForm() {
        super("harmful-gr.thm4.2-algebra", "gr-warmup-when-gr-is-harmful", "Lemma 4.1, Theorem 4.2 (eqs. 7-9)",
                "With g_k ~ N(0, σ_k), σ_k = e^{−γk}σ₁ (eq. 7), the delta-method variance Var(Y)/(4E(Y)³) of the adaptive rate "
                        + "equals eq. 9: t/(2σ₁)·(1 + e^{−γt})(1 − e^{−γ})²/((1 + e^{−γ})(1 − e^{−γt})²).",
                "Var(Y)/(4E(Y)³) computed from the sums Σσ_k, Σσ_k² (σ_k read as the variance) against eq. 9 on a grid of "
                        + "t ∈ {1 … 500} and γ ∈ {0.001 … 2}, for eq. 7 read literally (k = 1..t, first variance e^{−γ}σ₁) and with the "
                        + "first variance equal to σ₁ (σ_k = e^{−γ(k−1)}σ₁).");
    }

    @Override
    public Outcome check() {
        double literal = 0;
        double shifted = 0;
        double minRatio = Double.POSITIVE_INFINITY;
        double maxRatio = 0;
        for (int t : T) {
            for (double g : GAMMA) {
                double closed = AdamVariance.eq9(t, g, 1.0);
                double a = AdamVariance.deltaMethod(AdamVariance.variances(t, g, 1.0, false));
                double b = AdamVariance.deltaMethod(AdamVariance.variances(t, g, 1.0, true));
                literal = Math.max(literal, Math.abs(a - closed) / closed);
                shifted = Math.max(shifted, Math.abs(b - closed) / closed);
                minRatio = Math.min(minRatio, a / closed / Math.exp(g));
                maxRatio = Math.max(maxRatio, a / closed / Math.exp(g));
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("max relative difference, eq. 7 literal (k = 1..t)", literal);
        ev.put("max relative difference, first variance = σ₁", shifted);
        ev.put("literal delta method ÷ (eq. 9 · e^γ), min", minRatio);
        ev.put("literal delta method ÷ (eq. 9 · e^γ), max", maxRatio);
        ev.put("tolerance", ALGEBRA_TOLERANCE);
        if (literal < ALGEBRA_TOLERANCE) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        if (shifted < ALGEBRA_TOLERANCE) {
            ev.put("condition", "eq. 9 is exact when the first gradient's variance is σ₁ (σ_k = e^{−γ(k−1)}σ₁); with eq. 7 as written "
                    + "(first variance e^{−γ}σ₁) the delta method is e^γ times eq. 9");
            return Outcome.of(Verdict.HOLDS_UNDER_CONDITIONS, ev);
        }
        return new Outcome(Verdict.FAILS, ev, "eq. 9 matches neither reading of eq. 7");
    }
}
