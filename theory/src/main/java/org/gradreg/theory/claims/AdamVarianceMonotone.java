package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Verdict;

/** Harmful-GR paper, Theorem 4.3: eq. 9 increases with γ where t·e^{−γ(t−1)} ≤ 1. */
public final class AdamVarianceMonotone extends BaseClaim {

    static final int MAX_T = 300;
    static final double MAX_GAMMA = 3.0;
    static final double D_GAMMA = 0.001;

    public AdamVarianceMonotone() {
        super("harmful-gr.thm4.3-monotone", "gr-warmup-when-gr-is-harmful", "Theorem 4.3",
                "For t·e^{−γ(t−1)} ≤ 1, Var(ψ(·; γ)) (eq. 9) increases monotonically with γ.",
                "Eq. 9 evaluated on t = 2 … 300 and γ from 0.001 to 3 in steps of 0.001; a step counts as a decrease when eq. 9 "
                        + "falls from γ to γ + 0.001. Counted separately where the theorem's condition holds and where it does not.");
    }

    @Override
    public Outcome check() {
        long condPoints = 0;
        long condDecreases = 0;
        String firstCounterexample = null;
        long otherPoints = 0;
        long otherDecreases = 0;
        for (int t = 2; t <= MAX_T; t++) {
            for (double g = D_GAMMA; g + D_GAMMA <= MAX_GAMMA; g += D_GAMMA) {
                boolean decreases = AdamVariance.eq9(t, g + D_GAMMA, 1) < AdamVariance.eq9(t, g, 1);
                boolean condition = t * Math.exp(-g * (t - 1)) <= 1 && t * Math.exp(-(g + D_GAMMA) * (t - 1)) <= 1;
                if (condition) {
                    condPoints++;
                    if (decreases) {
                        condDecreases++;
                        if (firstCounterexample == null) {
                            firstCounterexample = String.format(Locale.ROOT, "t=%d, γ=%.3f", t, g);
                        }
                    }
                } else {
                    otherPoints++;
                    otherDecreases += decreases ? 1 : 0;
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("grid steps where the condition holds", condPoints);
        ev.put("decreases there", condDecreases);
        ev.put("grid steps where the condition fails", otherPoints);
        ev.put("decreases there (outside the theorem)", otherDecreases);
        if (condDecreases > 0) {
            return new Outcome(Verdict.FAILS, ev, "eq. 9 decreases in γ at " + firstCounterexample + " although t·e^{−γ(t−1)} ≤ 1");
        }
        return Outcome.of(Verdict.HOLDS, ev);
    }
}
