package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Papers;
import java.util.List;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * GNR paper, Proposition 2.1 and its remark read beyond the quadratic: at a local minimum of a
 * non-quadratic L, R^GNR_ρ(θ*)/ρ² → λ_max as ρ → 0 (the second-order Taylor assumption holds
 * in the limit).
 */
public final class GnrSharpnessLimit extends BaseClaim {

    static final int CASES = 6;
    static final double[] RHO = {0.2, 0.1, 0.05, 0.025};

    public GnrSharpnessLimit() {
        super("gnr.prop2.1-limit", Papers.GNR, "Proposition 2.1 (eq. 2) and its remark, non-quadratic L",
                "Where L is only approximately quadratic near the minimum θ*, R^GNR_ρ(θ*)/ρ² tends to λ_max(∇²L(θ*)) as ρ → 0.",
                "6 seeded functions L(θ) = ½θᵀHθ + Σcᵢθᵢ³ + 0.5‖θ‖⁴ in 2-5 dimensions (minimum at 0 with Hessian H), "
                        + "ρ ∈ {0.2, 0.1, 0.05, 0.025}: R^GNR by optim's Sharpness.gnr against EJML's λ_max. A limit: the relative error must fall by ≤ 0.75× "
                        + "at each of the last two halvings of ρ (order ≥ 0.4; margin 0.75 − the larger ratio); the ρ → 0 extrapolate "
                        + "2r(ρ/2) − r(ρ) is reported, not judged (it assumes order 1).");
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double worstExtrapolated = 0;
        for (long s = 0; s < CASES; s++) {
            int d = 2 + (int) (s % 4);
            LocalMinimum f = new LocalMinimum(3000 + s, d, false);
            double[] e = new double[RHO.length];
            double[] ratio = new double[RHO.length];
            for (int k = 0; k < RHO.length; k++) {
                ratio[k] = Sharpness.gnr(f, new double[d], RHO[k]) / (RHO[k] * RHO[k]);
                e[k] = Math.abs(ratio[k] - f.lambdaMax) / f.lambdaMax;
            }
            worstExtrapolated = Math.max(worstExtrapolated, Math.abs(2 * ratio[RHO.length - 1] - ratio[RHO.length - 2] - f.lambdaMax) / f.lambdaMax);
            cases.add(VerdictRule.approach(String.format(Locale.ROOT, "case %d (d = %d) |R^GNR/ρ² − λ_max|/λ_max", s, d), e, 1e-9));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("rho values", RHO);
        ev.put("largest relative error of the ρ → 0 extrapolate 2r(ρ/2) − r(ρ)", worstExtrapolated);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }
}
