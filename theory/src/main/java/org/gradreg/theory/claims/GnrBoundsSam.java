package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;

/** GNR paper, Proposition 2.4: R^SAM_ρ(θ) ≤ R^GNR_ρ(θ). */
public final class GnrBoundsSam extends BaseClaim {

    static final int CASES = 30;
    static final double[] RHO = {0.1, 0.5, 1.0};

    public GnrBoundsSam() {
        super("gnr.prop2.4-sam-bounded", "gnr-gradient-norm-regularizer", "Proposition 2.4",
                "For every θ, R^SAM_ρ(θ) ≤ R^GNR_ρ(θ).",
                "30 seeded random smooth functions in 2-4 dimensions at random points, ρ ∈ {0.1, 0.5, 1}: both inner maxima solved "
                        + "numerically (optim's Sharpness, multi-start projected gradient ascent); the margin R^GNR − R^SAM.");
    }

    /** R^GNR − R^SAM for case {@code seed} and radius {@code rho}. */
    public static double margin(long seed, double rho) {
        int d = 2 + (int) (seed % 3);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 4, 1.5);
        double[] x = RandomSmoothFunction.point(seed, d);
        return Sharpness.gnr(f, x, rho) - Sharpness.sam(f, x, rho);
    }

    @Override
    public Outcome check() {
        double minMargin = Double.POSITIVE_INFINITY;
        double minRatio = Double.POSITIVE_INFINITY;
        String at = null;
        for (long s = 0; s < CASES; s++) {
            for (double rho : RHO) {
                int d = 2 + (int) (s % 3);
                RandomSmoothFunction f = new RandomSmoothFunction(s, d, 4, 1.5);
                double[] x = RandomSmoothFunction.point(s, d);
                double gnr = Sharpness.gnr(f, x, rho);
                double sam = Sharpness.sam(f, x, rho);
                if (gnr - sam < minMargin) {
                    minMargin = gnr - sam;
                    at = String.format(Locale.ROOT, "function seed %d, ρ = %s: R^SAM = %.6g, R^GNR = %.6g", s, rho, sam, gnr);
                }
                if (sam > 0) {
                    minRatio = Math.min(minRatio, gnr / sam);
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES * RHO.length);
        ev.put("smallest margin R^GNR − R^SAM", minMargin);
        ev.put("smallest ratio R^GNR / R^SAM", minRatio);
        ev.put("where", at);
        return minMargin >= 0 ? Outcome.of(Verdict.HOLDS, ev) : new Outcome(Verdict.FAILS, ev, at);
    }
}
