package org.gradreg.trainer.report;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Two settings compared over the seeds they share. Runs of different settings with the same seed
 * start from the same initialisation and see the same batch order, so the comparison is of the
 * paired differences dᵢ = aᵢ − bᵢ (one per shared seed), not of two independent samples:
 * <ul>
 * <li>the mean difference d̄ with the paired-t 95% interval d̄ ± t₀.₉₇₅,ₙ₋₁ · s_d/√n (s_d the sample
 *     standard deviation of the dᵢ) and its two-sided p-value;</li>
 * <li>beside it, the sign-flip permutation test of d̄ = 0 ({@link SignFlip}): no normality assumed;</li>
 * <li>the minimum detectable effect of the design, MDE = (t₀.₉₇₅,ₙ₋₁ + t₀.₈,ₙ₋₁) · s_d/√n: the true mean
 *     difference a two-sided paired t-test at α = 0.05 finds with power 0.8 (the usual t
 *     approximation of the power equation, e.g. Cohen 1988, §2.3), from the measured spread of
 *     the differences. "Not seen" means "smaller than this, if there at all".</li>
 * </ul>
 * The Holm correction over the comparisons of a page is {@link Holm}'s.
 *
 * @param n           the number of paired seeds
 * @param difference  d̄, the mean of aᵢ − bᵢ (NaN when n = 0)
 * @param sd          s_d (NaN when n &lt; 2)
 * @param low         lower end of the paired-t 95% interval (NaN when n &lt; 2)
 * @param high        upper end
 * @param pT          two-sided paired-t p-value (NaN when n &lt; 2)
 * @param pPermutation two-sided sign-flip permutation p-value (NaN when n = 0)
 * @param exact       whether the permutation p enumerates every sign pattern (n ≤ {@value SignFlip#EXACT_MAX}) or is Monte Carlo
 * @param detectable  the minimum detectable effect (NaN when n &lt; 2)
 */
public record Paired(int n, double difference, double sd, double low, double high, double pT, double pPermutation, boolean exact,
                     double detectable) {

    /** The two-sided level of the interval, the tests and the detectable effect. */
    public static final double ALPHA = 0.05;

    /** The power the detectable effect is computed for. */
    public static final double POWER = 0.8;

    /** The comparison of paired values: {@code a[i]} and {@code b[i]} come from the same seed. */
    public static Paired of(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired samples of different lengths: " + a.length + " and " + b.length);
        }
        int n = a.length;
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
            sum += d[i];
        }
        if (n == 0) {
            return new Paired(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, true, Double.NaN);
        }
        double mean = sum / n;
        SignFlip.Result perm = SignFlip.test(d);
        if (n < 2) {
            return new Paired(n, mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN, perm.p(), perm.exact(), Double.NaN);
        }
        double ss = 0;
        for (double x : d) {
            ss += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double se = sd / Math.sqrt(n);
        TDistribution t = new TDistribution(null, n - 1);
        double q = t.inverseCumulativeProbability(1 - ALPHA / 2);
        double mde = (q + t.inverseCumulativeProbability(POWER)) * se;
        if (se == 0) { // every seed moved by exactly the same amount
            return new Paired(n, mean, 0, mean, mean, mean == 0 ? 1 : 0, perm.p(), perm.exact(), 0);
        }
        double p = 2 * t.cumulativeProbability(-Math.abs(mean) / se);
        return new Paired(n, mean, sd, mean - q * se, mean + q * se, p, perm.p(), perm.exact(), mde);
    }

    /** Whether the interval is defined (two or more paired seeds). */
    public boolean defined() {
        return n >= 2;
    }

    /** +1 when the interval lies above zero, −1 below, 0 when it holds zero or is undefined. */
    public int sign() {
        if (!defined()) {
            return 0;
        }
        return low > 0 ? 1 : high < 0 ? -1 : 0;
    }
}
