package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper §4: its setting "differs from the one proposed in (Liu et al., 2020), where
 * g_k ~ N(0, σ) consistently", i.e. γ = 0 in eq. 7. The special case: eq. 9 must tend, as γ → 0,
 * to the delta method for t equal variances σ₁, Var(Y)/(4E(Y)³) = (2σ₁²/t)/(4σ₁³) = 1/(2σ₁t).
 */
public final class AdamVarianceConstantLimit extends BaseClaim {

    static final int[] T = {1, 2, 5, 10, 100, 1000};
    static final double[] GAMMA = {1e-1, 5e-2, 2.5e-2, 1.25e-2, 6.25e-3, 3.125e-3, 1.5625e-3};

    public AdamVarianceConstantLimit() {
        super("harmful-gr.eq9-constant-variance-limit", Papers.HARMFUL_GR, "§4 (γ = 0: the constant-variance case of Liu et al.) and eq. 9",
                "The constant-variance case g_k ~ N(0, σ₁) (γ = 0 in eq. 7) is eq. 9's limit γ → 0: eq. 9 → 1/(2σ₁t), the delta method "
                        + "for t equal variances.",
                "Eq. 9 (σ₁ = 1) at γ = 0.1, 0.05, …, 0.0016 (halving) for t ∈ {1, 2, 5, 10, 100, 1000}, against 1/(2t) computed from "
                        + "Var(Y)/(4E(Y)³) with σ_k = σ₁. A limit: the relative error must fall by ≤ 0.75× at each of the last two "
                        + "halvings of γ (margin 0.75 − the larger ratio, resolution 0); t = 1, where eq. 9 is 1/2 for every γ, is exact.");
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> ev = new LinkedHashMap<>();
        for (int t : T) {
            double target = AdamVariance.deltaMethod(AdamVariance.variances(t, 0, 1, true));
            double[] e = new double[GAMMA.length];
            for (int k = 0; k < GAMMA.length; k++) {
                e[k] = VerdictRule.relative(AdamVariance.eq9(t, GAMMA[k], 1), target);
            }
            ev.put("t=" + t + ": relative error over γ", e);
            if (e[0] < 1e-12) {
                cases.add(Case.of("t=" + t + " (eq. 9 = 1/(2σ₁t) for every γ)", 0.0 - e[0], 1e-12));
                continue;
            }
            cases.add(VerdictRule.approach("t=" + t + ": relative error over γ", e, 1e-12));
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }
}
