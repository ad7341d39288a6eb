package org.gradreg.trainer.report;

import java.util.List;
import java.util.Map;

/**
 * Runs that differ only in their seed: their table position, their common settings, and per
 * seed the test error, the series and the per-run metrics.
 *
 * @param column        model / data set
 * @param row           the method, the LR warmup and every other setting in which the report's runs differ
 * @param panel         the spec's panel settings (splits the figures)
 * @param settings      the settings, seed aside
 * @param stepValues    the schedule and estimator values per step of the first seed (the same for every seed)
 */
public record Group(String column, String row, String panel, Map<String, Object> settings, List<Double> testErrors,
                    List<double[]> gradNorms, List<double[]> stepGradNorms, List<double[]> stepLosses, List<double[]> stepPsiVars,
                    Map<String, List<Double>> metrics, Map<String, double[]> stepValues) {

    public double mean() {
        return Stats.of(testErrors).getMean();
    }

    public double std() {
        return testErrors.size() > 1 ? Stats.of(testErrors).getStandardDeviation() : Double.NaN;
    }

    /** Mean over seeds of the per-epoch mean gradient norm (as long as the shortest run). */
    public double[] meanGradNorm() {
        return Stats.meanOver(gradNorms)[0];
    }

    /** The finite values of a per-run metric (one per seed). */
    public double[] metric(String name) {
        return metrics.getOrDefault(name, List.of()).stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
    }
}
