package org.gradreg.trainer.report;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * The difference of two means with Welch's 95% interval (unequal variances, Welch–Satterthwaite
 * degrees of freedom; Welch 1947), as used to compare two settings over their seeds.
 *
 * @param difference mean(a) − mean(b)
 * @param low        lower end of the 95% interval
 * @param high       upper end
 * @param df         the degrees of freedom (NaN when a side has fewer than two values)
 */
public record Welch(double difference, double low, double high, double df) {

    /** Welch's interval for mean(a) − mean(b); NaN ends when a side has fewer than two values. */
    public static Welch of(double[] a, double[] b) {
        SummaryStatistics sa = stats(a);
        SummaryStatistics sb = stats(b);
        double d = sa.getMean() - sb.getMean();
        if (a.length < 2 || b.length < 2) {
            return new Welch(d, Double.NaN, Double.NaN, Double.NaN);
        }
        double va = sa.getVariance() / a.length;
        double vb = sb.getVariance() / b.length;
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new Welch(d, d, d, Double.POSITIVE_INFINITY);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double t = new TDistribution(null, df).inverseCumulativeProbability(0.975);
        return new Welch(d, d - t * se, d + t * se, df);
    }

    private static SummaryStatistics stats(double[] x) {
        SummaryStatistics s = new SummaryStatistics();
        for (double v : x) {
            s.addValue(v);
        }
        return s;
    }

    /** Whether the interval lies below zero (a smaller than b), above it, or holds it (or is undefined). */
    public int sign() {
        if (low > 0) {
            return 1;
        }
        return high < 0 ? -1 : 0;
    }

    /** Whether the interval is defined (both sides had two or more values). */
    public boolean defined() {
        return !Double.isNaN(low);
    }
}
