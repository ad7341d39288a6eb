package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;

/**
 * GNR paper eqs. 5/12 (SAM's first-order inner solution): θ_adv = θ + ρ∇L/‖∇L‖ approaches the true
 * argmax of L over B(θ, ρ) as ρ → 0.
 */
public final class GnrFirstOrderArgmax extends BaseClaim {

    static final double[] RHO = {0.2, 0.1, 0.05, 0.025, 0.0125};
    static final int CASES = 20;
    static final double MAX_SHRINK = 0.75;

    public GnrFirstOrderArgmax() {
        super("gnr.eq5-12-first-order-argmax", "gnr-gradient-norm-regularizer", "eqs. 5 and 12",
                "The first-order ascent point θ + ρ∇L(θ)/‖∇L(θ)‖ approximates the true inner maximiser of L over B(θ, ρ) as ρ → 0.",
                "20 seeded random smooth functions in 2-4 dimensions at random points; the true argmax by optim's Sharpness.samArgmax "
                        + "(multi-start projected ascent); the distance to the first-order point divided by ρ, for ρ = 0.2 … 0.0125. "
                        + "ρ → 0 is a limit, so the verdict asks that the relative distance shrink at every halving of ρ and, at the last "
                        + "halving, by a factor of at most 0.75 in every case (it would stay put if the two points did not meet).");
    }

    /** ‖θ_adv − argmax‖/ρ for each ρ in {@link #RHO}. */
    public static double[] relativeDistances(long seed) {
        int d = 2 + (int) (seed % 3);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] x = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(x);
        double n = norm(g);
        double[] out = new double[RHO.length];
        for (int k = 0; k < RHO.length; k++) {
            double[] best = Sharpness.samArgmax(f, x, RHO[k]);
            double dist = 0;
            for (int i = 0; i < d; i++) {
                double first = x[i] + RHO[k] * g[i] / n;
                dist += (first - best[i]) * (first - best[i]);
            }
            out[k] = Math.sqrt(dist) / RHO[k];
        }
        return out;
    }

    @Override
    public Outcome check() {
        double worstLast = 0;
        long worstSeed = -1;
        int notShrinking = 0;
        double meanFirst = 0;
        double meanLast = 0;
        double worstHalving = 0;
        for (long s = 0; s < CASES; s++) {
            double[] r = relativeDistances(s);
            meanFirst += r[0] / CASES;
            meanLast += r[RHO.length - 1] / CASES;
            for (int k = 1; k < RHO.length; k++) {
                if (r[k] > r[k - 1] + 1e-9) {
                    notShrinking++;
                    break;
                }
            }
            worstHalving = Math.max(worstHalving, r[RHO.length - 1] / r[RHO.length - 2]);
            if (r[RHO.length - 1] > worstLast) {
                worstLast = r[RHO.length - 1];
                worstSeed = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("rho values", RHO);
        ev.put("mean ‖θ_adv − argmax‖/ρ at ρ = 0.2", meanFirst);
        ev.put("mean ‖θ_adv − argmax‖/ρ at ρ = 0.0125", meanLast);
        ev.put("largest at ρ = 0.0125", worstLast);
        ev.put("cases where it does not shrink monotonically", notShrinking);
        ev.put("largest shrink factor at the last halving", worstHalving);
        if (worstHalving <= MAX_SHRINK && notShrinking == 0) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        return new Outcome(Verdict.FAILS, ev, "function seed " + worstSeed + ": relative distance " + worstLast
                + " at ρ = 0.0125; shrink factor " + worstHalving);
    }
}
