package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;

/**
 * GNR paper §2.3, citing Lemma 3.3 of Zhuang et al. (2022, GSAM): at a local minimum θ*,
 * R^SAM_ρ(θ*)/ρ² → λ_max(∇²L(θ*))/2 as ρ → 0 (the SAM counterpart of Proposition 2.1).
 */
public final class SamSharpnessLimit extends BaseClaim {

    static final int CASES = 8;
    static final double[] RHO = {0.2, 0.1, 0.05, 0.025, 0.0125};
    /** The error must shrink at least by this factor at the last halving of ρ (an order of convergence ≥ 0.4). */
    static final double SHRINK = 0.75;
    /** On the pure quadratic the identity is exact for every ρ: relative error below this. */
    static final double EXACT = 1e-6;

    public SamSharpnessLimit() {
        super("gnr.lemma3.3-sam-limit", Papers.GNR, "§2.3, citing Lemma 3.3 of Zhuang et al. 2022 (GSAM)",
                "At a local minimum θ*, R^SAM_ρ(θ*)/ρ² → λ_max(∇²L(θ*))/2 as ρ → 0: SAM's sharpness measures the top Hessian "
                        + "eigenvalue for small ρ, as GNR's does (Proposition 2.1).",
                "8 seeded functions L(θ) = ½θᵀHθ + Σcᵢθᵢ³ + 0.5‖θ‖⁴ in 2-5 dimensions (H = BᵀB + 0.1·I random, minimum at 0), "
                        + "ρ ∈ {0.2, …, 0.0125}: R^SAM by optim's Sharpness.sam (multi-start projected ascent) against λ_max from EJML. "
                        + "A limit is checked by its approach: holds if the relative error shrinks at every halving of ρ and by ≤ 0.75× at each of the "
                        + "last two (error = O(ρ^p), p ≥ 0.4, so it tends to 0); the ρ → 0 extrapolate 2r(ρ/2) − r(ρ) is reported, not gated; "
                        + "the quadratic alone (c = 0, q = 0) must give λ_max/2 to 1e-6 at every ρ.");
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
        double worstLimit = 0;
        double worstExtrapolated = 0;
        double worstShrink = 0;
        double worstQuadratic = 0;
        int notShrinking = 0;
        String at = null;
        double[] worstCurve = null;
        for (long s = 0; s < CASES; s++) {
            double[] r = ratios(s, false);
            double target = r[RHO.length];
            double[] e = new double[RHO.length];
            for (int k = 0; k < RHO.length; k++) {
                e[k] = Math.abs(r[k] - target) / target;
            }
            double last = e[e.length - 1];
            double extrapolated = Math.abs(2 * r[RHO.length - 1] - r[RHO.length - 2] - target) / target;
            double shrink = last / e[e.length - 2];
            worstShrink = Math.max(worstShrink, shrink);
            if (last > worstLimit) {
                worstLimit = last;
                worstCurve = e;
            }
            boolean bad = shrink > SHRINK || e[e.length - 2] / e[e.length - 3] > SHRINK;
            for (int k = 1; k < RHO.length; k++) {
                bad |= e[k] > e[k - 1];
            }
            if (bad) {
                notShrinking++;
            }
            worstExtrapolated = Math.max(worstExtrapolated, extrapolated);
            if (bad && at == null) {
                at = String.format(Locale.ROOT, "case %d (d = %d): relative errors %s, extrapolate off by %.4g", s, 2 + s % 4,
                        java.util.Arrays.toString(e), extrapolated);
            }
            for (double x : relativeErrors(s, true)) {
                worstQuadratic = Math.max(worstQuadratic, x);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES);
        ev.put("rho values", RHO);
        ev.put("largest relative error at the smallest ρ", worstLimit);
        ev.put("its relative errors over ρ", worstCurve);
        ev.put("largest error ratio at the last halving of ρ", worstShrink);
        ev.put("largest relative error of the ρ → 0 extrapolate", worstExtrapolated);
        ev.put("cases failing the approach (error growing or shrinking by > 0.75× per halving)", notShrinking);
        ev.put("largest relative error on the pure quadratics (any ρ)", worstQuadratic);
        ev.put("tolerances (shrink factor per halving, quadratic exactness)", new double[] {SHRINK, EXACT});
        if (notShrinking == 0 && worstQuadratic <= EXACT) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        return new Outcome(Verdict.FAILS, ev, worstQuadratic > EXACT
                ? String.format(Locale.ROOT, "a pure quadratic gives relative error %.4g", worstQuadratic) : at);
    }
}
