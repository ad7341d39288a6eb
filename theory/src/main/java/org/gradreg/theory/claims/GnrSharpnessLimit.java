package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;

/**
 * GNR paper, Proposition 2.1 and its remark read beyond the quadratic: at a local minimum of a
 * non-quadratic L, R^GNR_ρ(θ*)/ρ² → λ_max as ρ → 0 (the second-order Taylor assumption holds
 * in the limit).
 */
public final class GnrSharpnessLimit extends BaseClaim {

    static final int CASES = 6;
    static final double[] RHO = {0.2, 0.1, 0.05, 0.025};
    /** The error must shrink at least by this factor at the last halving of ρ. */
    static final double SHRINK = 0.75;

    public GnrSharpnessLimit() {
        super("gnr.prop2.1-limit", Papers.GNR, "Proposition 2.1 (eq. 2) and its remark, non-quadratic L",
                "Where L is only approximately quadratic near the minimum θ*, R^GNR_ρ(θ*)/ρ² tends to λ_max(∇²L(θ*)) as ρ → 0.",
                "6 seeded functions L(θ) = ½θᵀHθ + Σcᵢθᵢ³ + 0.5‖θ‖⁴ in 2-5 dimensions (minimum at 0 with Hessian H), "
                        + "ρ ∈ {0.2, 0.1, 0.05, 0.025}: R^GNR by optim's Sharpness.gnr against EJML's λ_max. A limit is checked by its approach: "
                        + "holds if the relative error shrinks at every halving of ρ and by ≤ 0.75× at each of the last two (error = O(ρ^p), "
                        + "p ≥ 0.4, so it tends to 0); the ρ → 0 extrapolate 2r(ρ/2) − r(ρ) is reported, not gated (it assumes p = 1).");
    }

    @Override
    public Outcome check() {
        double worst = 0;
        double[] worstCurve = null;
        String at = null;
        int notShrinking = 0;
        double worstShrink = 0;
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
            double extrapolated = Math.abs(2 * ratio[RHO.length - 1] - ratio[RHO.length - 2] - f.lambdaMax) / f.lambdaMax;
            double shrink = e[e.length - 1] / e[e.length - 2];
            worstShrink = Math.max(worstShrink, shrink);
            worstExtrapolated = Math.max(worstExtrapolated, extrapolated);
            boolean bad = shrink > SHRINK || e[e.length - 2] / e[e.length - 3] > SHRINK;
            for (int k = 1; k < RHO.length; k++) {
                bad |= e[k] > e[k - 1];
            }
            if (bad) {
                notShrinking++;
                at = String.format(Locale.ROOT, "case %d (d = %d): relative errors %s, extrapolate off by %.4g", s, d,
                        java.util.Arrays.toString(e), extrapolated);
            }
            if (e[e.length - 1] >= worst) {
                worst = e[e.length - 1];
                worstCurve = e;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES);
        ev.put("rho values", RHO);
        ev.put("largest relative error of R^GNR/ρ² against λ_max at the smallest ρ", worst);
        ev.put("its relative errors over ρ", worstCurve);
        ev.put("largest error ratio at the last halving of ρ", worstShrink);
        ev.put("largest relative error of the ρ → 0 extrapolate", worstExtrapolated);
        ev.put("cases failing the approach (error growing or shrinking by > 0.75× per halving)", notShrinking);
        return notShrinking == 0 ? Outcome.of(Verdict.HOLDS, ev) : new Outcome(Verdict.FAILS, ev, at);
    }
}
