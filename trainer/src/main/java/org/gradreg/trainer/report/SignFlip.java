package org.gradreg.trainer.report;

import java.util.SplittableRandom;

/**
 * The sign-flip permutation test of a zero mean for paired differences d₁…dₙ (Fisher 1935, §21;
 * Good, Permutation Tests, 2000, §3.1): under the null each dᵢ is as likely to be −dᵢ, so the
 * p-value is the share of the 2ⁿ sign patterns s whose |Σ sᵢdᵢ| is at least the observed |Σ dᵢ|
 * (two-sided). Every pattern is enumerated for n ≤ {@value #EXACT_MAX}; above it, {@value #DRAWS}
 * patterns are drawn from a fixed seed and p = (1 + hits)/(1 + draws), which is never 0.
 */
final class SignFlip {

    /** Up to this many differences the test enumerates all 2ⁿ patterns. */
    static final int EXACT_MAX = 16;

    /** The Monte Carlo patterns drawn above {@link #EXACT_MAX}. */
    static final int DRAWS = 100_000;

    /** The seed of the Monte Carlo draws: the same differences give the same p. */
    static final long SEED = 20_240_521L;

    /** A p-value and whether it is exact. */
    record Result(double p, boolean exact) {
    }

    private SignFlip() {
    }

    static Result test(double[] d) {
        int n = d.length;
        double observed = 0;
        double scale = 0;
        for (double x : d) {
            observed += x;
            scale += Math.abs(x);
        }
        observed = Math.abs(observed);
        double tol = 1e-12 * Math.max(scale, Double.MIN_NORMAL); // patterns tied with the observed sum in exact arithmetic count as hits
        if (n <= EXACT_MAX) {
            long hits = 0;
            long total = 1L << n;
            for (long mask = 0; mask < total; mask++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (mask >>> i & 1) == 0 ? d[i] : -d[i];
                }
                if (Math.abs(s) >= observed - tol) {
                    hits++;
                }
            }
            return new Result((double) hits / total, true);
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        long hits = 0;
        for (int k = 0; k < DRAWS; k++) {
            double s = 0;
            for (double x : d) {
                s += rng.nextBoolean() ? x : -x;
            }
            if (Math.abs(s) >= observed - tol) {
                hits++;
            }
        }
        return new Result((1.0 + hits) / (1.0 + DRAWS), false);
    }
}
