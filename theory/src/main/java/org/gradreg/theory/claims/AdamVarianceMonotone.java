package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/** Harmful-GR paper, Theorem 4.3: eq. 9 increases with γ where t·e^{−γ(t−1)} ≤ 1. */
public final class AdamVarianceMonotone extends BaseClaim {

    static final int MAX_T = 300;
    static final double MAX_GAMMA = 3.0;
    static final double D_GAMMA = 0.001;
    /** Rounding in the relative change of eq. 9 between neighbouring grid points. */
    static final double RESOLUTION = 1e-12;

    public AdamVarianceMonotone() {
        super("harmful-gr.thm4.3-monotone", Papers.HARMFUL_GR, "Theorem 4.3",
                "For t·e^{−γ(t−1)} ≤ 1, Var(ψ(·; γ)) (eq. 9) monotonically increases as γ increases.",
                "Eq. 9 (σ₁ = 1; σ₁ only scales it) on t = 2 … 300 and γ from 0.001 to 3 in steps of 0.001: the relative change "
                        + "(eq. 9(γ + 0.001) − eq. 9(γ))/eq. 9(γ) over the steps where the theorem's condition holds at both ends. A strict "
                        + "statement: one case per t, its margin the smallest relative change over its steps, resolution 1e-12 (rounding). "
                        + "The steps outside the condition are counted separately (not part of the statement).");
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        long condPoints = 0;
        long otherPoints = 0;
        long otherDecreases = 0;
        for (int t = 2; t <= MAX_T; t++) {
            double worst = Double.POSITIVE_INFINITY;
            double at = Double.NaN;
            for (int i = 1; (i + 1) * D_GAMMA <= MAX_GAMMA + 1e-12; i++) {
                double g = i * D_GAMMA;
                double change = AdamVariance.eq9(t, g + D_GAMMA, 1) / AdamVariance.eq9(t, g, 1) - 1;
                boolean condition = t * Math.exp(-g * (t - 1)) <= 1 && t * Math.exp(-(g + D_GAMMA) * (t - 1)) <= 1;
                if (condition) {
                    condPoints++;
                    if (change < worst) {
                        worst = change;
                        at = g;
                    }
                } else {
                    otherPoints++;
                    otherDecreases += change < 0 ? 1 : 0;
                }
            }
            if (!Double.isNaN(at)) {
                cases.add(Case.of(String.format(Locale.ROOT, "t=%d, smallest relative increase at γ=%.3f", t, at), worst, RESOLUTION));
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("grid steps where the condition holds", condPoints);
        ev.put("grid steps where the condition fails", otherPoints);
        ev.put("decreases there (outside the theorem)", otherDecreases);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.STRICT, cases), ev);
    }
}
