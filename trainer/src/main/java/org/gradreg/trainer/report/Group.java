package org.gradreg.trainer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs that differ only in their seed: their table position, their common settings, and per
 * seed the test error, the series and the per-run metrics; with the runs of these settings that
 * are not counted (diverged, unfinished) and the seeds whose repeats disagree.
 *
 * @param column        model / data set
 * @param row           the method, the LR warmup and every other setting in which the report's runs differ
 * @param panel         the spec's panel settings (splits the figures)
 * @param settings      the settings, seed aside
 * @param probes        per seed the per-coordinate Var(ψ) probes, in step order (seeds without probes left out)
 * @param stepValues    the schedule and estimator values per step of the first seed (the same for every seed)
 * @param epochErrors   per seed the test error in % after each epoch
 * @param bySeed        per seed (the pairing key across settings) the per-run metrics
 * @param conflicts     one line per seed run twice with different results (the first run is counted)
 * @param leftOut       how many runs of these settings were not counted, by reason ("diverged", "unfinished")
 * @param experiment    "" for runs of the current spec; else a label of the different spec they were run from
 */
public record Group(String column, String row, String panel, Map<String, Object> settings, List<Double> testErrors,
                    List<double[]> gradNorms, List<double[]> stepGradNorms, List<double[]> stepLosses, List<double[]> stepPsiVars,
                    List<List<org.gradreg.trainer.run.Metrics.PsiProbe>> probes,
                    Map<String, List<Double>> metrics, Map<String, double[]> stepValues, List<double[]> epochErrors, Map<Long, Map<String, Double>> bySeed,
                    List<String> conflicts, Map<String, Integer> leftOut, String experiment) {

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

    /** The runs counted (one per seed). */
    public int counted() {
        return testErrors.size();
    }

    /** How many runs of these settings diverged. */
    public int diverged() {
        return leftOut.getOrDefault("diverged", 0);
    }

    /** Every run of these settings: counted, diverged and unfinished. */
    public int total() {
        return counted() + leftOut.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** "k of n diverged; j of n unfinished", or "" when every run was counted. */
    public String leftOutText() {
        List<String> parts = new ArrayList<>();
        leftOut.forEach((why, k) -> parts.add(k + " of " + total() + " " + why));
        return String.join("; ", parts);
    }

    /**
     * The values of {@code metric} for the seeds this group and {@code other} share (both finite),
     * in seed order: {@code [0]} this group's, {@code [1]} the other's.
     */
    public double[][] paired(Group other, String metric) {
        List<double[]> pairs = new ArrayList<>();
        bySeed.forEach((seed, m) -> {
            Map<String, Double> o = other.bySeed().get(seed);
            if (o != null) {
                Double a = m.get(metric);
                Double b = o.get(metric);
                if (a != null && b != null && Double.isFinite(a) && Double.isFinite(b)) {
                    pairs.add(new double[] {a, b});
                }
            }
        });
        double[][] out = new double[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            out[0][i] = pairs.get(i)[0];
            out[1][i] = pairs.get(i)[1];
        }
        return out;
    }
}
