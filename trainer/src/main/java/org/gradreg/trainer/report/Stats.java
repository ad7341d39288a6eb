package org.gradreg.trainer.report;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/** Statistics over seeds: per-index means of series and the 95% t-interval of a mean (paired differences are {@link Paired}'s). */
final class Stats {

    private Stats() {
    }

    static DescriptiveStatistics of(List<Double> xs) {
        return new DescriptiveStatistics(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** {mean, std} per index over the series, as long as the shortest (std 0 for one series). */
    static double[][] meanOver(List<double[]> series) {
        int n = series.stream().mapToInt(a -> a.length).min().orElse(0);
        double[] m = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            DescriptiveStatistics d = new DescriptiveStatistics();
            for (double[] a : series) {
                d.addValue(a[i]);
            }
            m[i] = d.getMean();
            s[i] = series.size() > 1 ? d.getStandardDeviation() : 0;
        }
        return new double[][] {m, s};
    }

    /** Half-width of the 95% t-interval of the mean; NaN for fewer than two values. */
    static double halfWidth(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double sd = new DescriptiveStatistics(v).getStandardDeviation();
        return new TDistribution(null, v.length - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(v.length);
    }
}
