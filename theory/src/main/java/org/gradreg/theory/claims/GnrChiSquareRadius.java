package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;

/**
 * GNR paper, proof of Proposition 2.2, eqs. 20-21: for ε with i.i.d. N(0, σ²) entries in d
 * dimensions, ‖ε‖ ≤ ρ = σ(√d + √log n) with probability at least 1 − 1/√n.
 */
public final class GnrChiSquareRadius extends BaseClaim {

    static final int[] D = {1, 2, 5, 10, 100, 1000, 10_000, 1_000_000};
    static final double[] N = {2, 10, 100, 10_000, 1_000_000, 1e9};
    /** Commons Math's regularized incomplete gamma function is accurate to ~1e-14; 1e-12 on a probability. */
    static final double CDF_RESOLUTION = 1e-12;

    public GnrChiSquareRadius() {
        super("gnr.eq21-gaussian-radius", Papers.GNR, "proof of Proposition 2.2 (eqs. 20-21)",
                "For ε ~ N(0, σ²I_d), P(‖ε‖² ≤ σ²(√d + √log n)²) ≥ 1 − 1/√n (Laurent-Massart with t = ½ log n), so the Gaussian "
                        + "perturbation of eq. 3 stays in the ball B(0, ρ) except with probability 1/√n.",
                "Exact chi-square CDF (Commons Math) at (√d + √log n)² for d ∈ {1, …, 10⁶} and n ∈ {2, …, 10⁹}: the smallest margin "
                        + "P − (1 − 1/√n) over the grid (margin, resolution 1e-12); also the intermediate step d + √(2d log n) + log n ≤ "
                        + "(√d + √log n)² (margin relative, resolution 1e-15).");
    }

    /** P(‖ε‖² ≤ σ²(√d + √log n)²) − (1 − 1/√n) for ε ~ N(0, σ²I_d), by the exact chi-square CDF. */
    public static double margin(int d, double n) {
        double x = Math.pow(Math.sqrt(d) + Math.sqrt(Math.log(n)), 2);
        return new ChiSquaredDistribution(null, d).cumulativeProbability(x) - (1 - 1 / Math.sqrt(n));
    }

    @Override
    public Outcome check() {
        double minMargin = Double.POSITIVE_INFINITY;
        String at = null;
        boolean stepHolds = true;
        java.util.List<VerdictRule.Case> cases = VerdictRule.cases();
        for (int d : D) {
            ChiSquaredDistribution chi = new ChiSquaredDistribution(null, d);
            for (double n : N) {
                double ln = Math.log(n);
                double x = Math.pow(Math.sqrt(d) + Math.sqrt(ln), 2);
                stepHolds &= d + Math.sqrt(2 * d * ln) + ln <= x * (1 + 1e-15);
                double margin = chi.cumulativeProbability(x) - (1 - 1 / Math.sqrt(n));
                cases.add(VerdictRule.Case.of(String.format(Locale.ROOT, "d = %d, n = %.0f: P − (1 − 1/√n)", d, n), margin, CDF_RESOLUTION));
                cases.add(VerdictRule.Case.of(String.format(Locale.ROOT, "d = %d, n = %.0f: (√d + √log n)² − (d + √(2d log n) + log n)", d, n),
                        (x - (d + Math.sqrt(2 * d * ln) + ln)) / x, 1e-15));
                if (margin < minMargin) {
                    minMargin = margin;
                    at = String.format(Locale.ROOT, "d = %d, n = %.0f: P(‖ε‖ ≤ ρ) = %.6g, 1 − 1/√n = %.6g", d, n,
                            chi.cumulativeProbability(x), 1 - 1 / Math.sqrt(n));
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cells (d × n)", D.length * N.length);
        ev.put("smallest margin P − (1 − 1/√n)", minMargin);
        ev.put("where", at);
        ev.put("d + √(2d log n) + log n ≤ (√d + √log n)² everywhere", stepHolds);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
