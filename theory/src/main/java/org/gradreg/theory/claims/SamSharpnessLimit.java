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
 * GNR paper §2.3, citing Lemma 3.3 of Zhuang et al. (2022, GSAM): at a local minimum θ*,
 * R^SAM_ρ(θ*)/ρ² → λ_max(∇²L(θ*))/2 as ρ → 0 (the SAM counterpart of Proposition 2.1).
 */
public final class SamSharpnessLimit extends BaseClaim {

    static final int CASES = 8;
    static final double[] RHO = {0.2, 0.1, 0.05, 0.025, 0.0125};
    /** On the pure quadratic the identity is exact for every ρ: relative error below this. */
    static final double EXACT = 1e-6;

    public SamSharpnessLimit() {
        super("gnr.lemma3.3-sam-limit", Papers.GNR, "§2.3, citing Lemma 3.3 of Zhuang et al. 2022 (GSAM)",
                "At a local minimum θ*, R^SAM_ρ(θ*)/ρ² → λ_max(∇²L(θ*))/2 as ρ → 0: SAM's sharpness measures the top Hessian "
                        + "eigenvalue for small ρ, as GNR's does (Proposition 2.1).",
                "8 seeded functions L(θ) = ½θᵀHθ + Σcᵢθᵢ³ + 0.5‖θ‖⁴ in 2-5 dimensions (H = BᵀB + 0.1·I random, minimum at 0), "
                        + "ρ ∈ {0.2, …, 0.0125}: R^SAM by optim's Sharpness.sam (multi-start projected ascent) against λ_max from EJML. "
                        + "A limit: the relative error must fall by ≤ 0.75× at each of the last two halvings of ρ (order ≥ 0.4; margin 0.75 − the "
                        + "larger ratio); the ρ → 0 extrapolate 2r(ρ/2) − r(ρ) is reported, not judged; and the quadratic alone (c = 0, q = 0) "
                        + "must give λ_max/2 at every ρ (margin −relative error, resolution 1e-6).");
    }

    /** Relative errors |R^SAM/ρ² − λ_max/2|/(λ_max/2) over {@link #RHO} for case {@code seed}. */
    public static double[] relativeErrors(long seed, boolean quadratic) {
        double[] r = ratios(seed, quadratic);
        double[] e = new double[RHO.length];
        for (int k = 0; k < RHO.length; k++) {
            e[k] = Math.abs(r[k] - r[RHO.length]) / r[RHO.length];
        }
        return e;
    }

    /** R^SAM/ρ² over {@link #RHO}, then the target λ_max/2 as the last element. */
    static double[] ratios(long seed, boolean quadratic) {
        int d = 2 + (int) (seed % 4);
        LocalMinimum f = new LocalMinimum(3000 + seed, d, quadratic);
        double[] r = new double[RHO.length + 1];
        for (int k = 0; k < RHO.length; k++) {
            r[k] = Sharpness.sam(f, new double[d], RHO[k]) / (RHO[k] * RHO[k]);
        }
        r[RHO.length] = f.lambdaMax / 2;
        return r;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double worstExtrapolated = 0;
        double worstQuadratic = 0;
        for (long s = 0; s < CASES; s++) {
            double[] r = ratios(s, false);
            double target = r[RHO.length];
            double[] e = new double[RHO.length];
            for (int k = 0; k < RHO.length; k++) {
                e[k] = Math.abs(r[k] - target) / target;
            }
            worstExtrapolated = Math.max(worstExtrapolated, Math.abs(2 * r[RHO.length - 1] - r[RHO.length - 2] - target) / target);
            cases.add(VerdictRule.approach(String.format(Locale.ROOT, "case %d (d = %d) |R^SAM/ρ² − λ_max/2|/(λ_max/2)", s, 2 + s % 4), e, 1e-9));
            double q = 0;
            for (double x : relativeErrors(s, true)) {
                q = Math.max(q, x);
            }
            worstQuadratic = Math.max(worstQuadratic, q);
            cases.add(Case.of(String.format(Locale.ROOT, "case %d, the quadratic alone: R^SAM/ρ² = λ_max/2 at every ρ", s), -q, EXACT));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("rho values", RHO);
        ev.put("largest relative error of the ρ → 0 extrapolate 2r(ρ/2) − r(ρ)", worstExtrapolated);
        ev.put("largest relative error on the pure quadratics (any ρ)", worstQuadratic);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }
}
