package org.gradreg.trainer.report;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.Metrics;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.gradreg.trainer.run.SpecRecord;

/**
 * Reads the runs under a folder through {@link RunDir}: every finished run's configuration,
 * result, metrics and Hessian into a {@link FinishedRun}, with the per-run metrics computed from
 * them. Unfinished runs are counted; a run with a damaged file is skipped with a warning naming it.
 */
final class RunReader {

    /**
     * What was found under a folder; {@code unfinished} counts every run not finished, {@code leftOut}
     * those whose settings are readable; {@code commits} counts the runs of the current spec (all
     * runs when there is none) by the commit their {@link SpecRecord} names (the code that made
     * them; {@value #NOT_RECORDED} for runs without a record).
     */
    record Runs(List<FinishedRun> finished, int unfinished, List<LeftOut> leftOut, List<String> warnings, Map<String, Integer> commits) {
    }

    /** The commit key of runs without a spec record (made by {@code train}, or before records existed). */
    static final String NOT_RECORDED = "not recorded";

    /** A run that is not counted: "diverged" (its metrics end in a divergence) or "unfinished". */
    record LeftOut(Path dir, TrainConfig cfg, String reason, String experiment) {
    }

    private RunReader() {
    }

    /** Every run directory (one holding {@value RunDir#CONFIG}) under {@code dir}, in path order. */
    static Runs read(Path dir) throws IOException {
        return read(dir, null);
    }

    /**
     * As {@link #read(Path)}; a run whose {@link SpecRecord} names another hash than {@code current}
     * (null: no spec to compare with) is labelled as another experiment, with a warning.
     */
    static Runs read(Path dir, SpecRecord current) throws IOException {
        return read(dir, current, null);
    }

    /**
     * As {@link #read(Path, SpecRecord)}; with {@code hessian} (an analysis spec's registered
     * settings; null: any), Hessian values measured with other settings are left out, with a warning.
     */
    static Runs read(Path dir, SpecRecord current, HessianSettings hessian) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BadInput("no runs directory " + dir);
        }
        List<Path> configs;
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) { // run folders may be links to scratch space
            configs = s.filter(p -> p.getFileName().toString().equals(RunDir.CONFIG)).sorted().toList();
        }
        List<String> warnings = new ArrayList<>();
        List<FinishedRun> done = new ArrayList<>();
        List<LeftOut> leftOut = new ArrayList<>();
        Map<String, List<Path>> other = new TreeMap<>();
        Map<String, Integer> commits = new TreeMap<>();
        int unfinished = 0;
        for (Path c : configs) {
            Path run = c.getParent();
            String experiment = experiment(run, current, other, commits, warnings);
            if (!new RunDir(run).finished()) {
                unfinished++;
                LeftOut l = leftOut(run, experiment);
                if (l != null) {
                    leftOut.add(l);
                }
                continue;
            }
            FinishedRun f = read(run, experiment, hessian, warnings);
            if (f != null) {
                done.add(f);
            }
        }
        other.forEach((label, runs) -> warnings.add("report: " + runs.size() + " runs (e.g. " + runs.get(0) + ") were made from another "
                + "version of the spec (" + label + ", not the current sha256 " + current.shortHash() + "): reported beside as a different "
                + "experiment, marked [" + label + "], not merged or compared with the current one"));
        return new Runs(done, unfinished, leftOut, warnings, commits);
    }

    /**
     * "" for a run of the current spec (or without a record, or with no current spec), counting it in
     * {@code commits} under the commit its record names; else "spec HASH12 (commit C7)".
     */
    private static String experiment(Path run, SpecRecord current, Map<String, List<Path>> other, Map<String, Integer> commits,
                                     List<String> warnings) {
        SpecRecord r;
        try {
            r = SpecRecord.read(run);
        } catch (IOException | RuntimeException e) {
            if (current != null) {
                warnings.add("report: " + run.resolve(SpecRecord.FILE) + " is damaged (" + BadInput.messageOf(e) + "); the run is taken as one "
                        + "of the current spec");
            }
            commits.merge(NOT_RECORDED, 1, Integer::sum);
            return "";
        }
        if (current == null || r == null || r.sha256().equals(current.sha256())) {
            commits.merge(r == null ? NOT_RECORDED : r.commit(), 1, Integer::sum);
            return "";
        }
        String label = "spec " + r.shortHash() + (r.commit().equals(SpecRecord.UNCOMMITTED) ? ", uncommitted" : ", commit "
                + r.commit().substring(0, 7));
        other.computeIfAbsent(label, k -> new ArrayList<>()).add(run);
        return label;
    }

    /** A run without a result: diverged when its metrics record a divergence, else unfinished; null when its config is unreadable. */
    private static LeftOut leftOut(Path run, String experiment) {
        RunDir dir = new RunDir(run);
        TrainConfig cfg;
        try {
            cfg = dir.readConfig();
        } catch (RuntimeException e) {
            return null;
        }
        if (cfg == null) {
            return null;
        }
        boolean diverged = false;
        try {
            diverged = Files.exists(dir.metrics()) && dir.readMetrics().stream().anyMatch(l -> l instanceof Metrics.Diverged);
        } catch (IOException | RuntimeException e) {
            // a damaged metrics file: counted as unfinished
        }
        return new LeftOut(run, cfg, diverged ? "diverged" : "unfinished", experiment);
    }

    private static FinishedRun read(Path run, String experiment, HessianSettings registered, List<String> warnings) {
        RunDir dir = new RunDir(run);
        Path file = dir.config();
        try {
            TrainConfig cfg = dir.readConfig();
            file = dir.result();
            RunResult res = dir.readResult();
            if (!Double.isFinite(res.testError())) {
                warnings.add("report: skipped " + run + ": " + file + " has no test error (resume the run to evaluate it again)");
                return null;
            }
            file = dir.metrics();
            List<Metrics.Line> lines;
            try {
                lines = dir.readMetrics();
            } catch (Metrics.Damaged e) {
                warnings.add("report: skipped " + run + ": " + e.getMessage());
                return null;
            }
            Series s = series(lines);
            int warm = (int) Math.round(cfg.optimizer().schedule().warmupEpochs() * s.firstEpochSteps);
            Map<String, Double> m = new TreeMap<>();
            m.put("test_error", 100 * res.testError());
            m.put("warmup_steps", (double) warm);
            m.put("final_grad_norm", s.gradNorms.isEmpty() ? Double.NaN : s.gradNorms.get(s.gradNorms.size() - 1));
            m.put("warmup_grad_norm", mean(s.stepGradNorms.subList(0, Math.min(warm, s.stepGradNorms.size())), Function.identity()));
            m.put("warmup_log10_psi_var", mean(s.psiVars.subList(0, Math.min(warm, s.psiVars.size())), v -> v > 0 ? Math.log10(v) : Double.NaN));
            List<Double> probed = s.probes.stream().filter(p -> p.step() <= warm).map(Metrics.PsiProbe::medianLog10Var).toList();
            if (!probed.isEmpty()) { // measure.psiEvery: Var(ψ) per coordinate over mini-batches, as the paper defines it
                m.put("warmup_psi_var_per_coordinate", mean(probed, Function.identity()));
                m.put("warmup_psi_cv2_per_coordinate", mean(s.probes.stream().filter(p -> p.step() <= warm)
                        .map(Metrics.PsiProbe::medianLog10Cv2).toList(), Function.identity()));
            }
            file = dir.hessian();
            HessianResult h = dir.readHessian();
            if (h != null && registered != null && !registered.equals(h.settings())) {
                warnings.add("report: left out the Hessian values of " + run + ": measured " + (h.settings() == null ? "with unrecorded settings"
                        : "with " + h.settings().options()) + ", not the registered " + registered.options() + " (measure again: gradreg hessian "
                        + registered.options() + " " + run + ")");
            } else if (h != null) {
                double[] residuals = h.topResiduals();
                if (residuals != null && residuals.length > 0 && h.topEigenvalues().length > 0
                        && !(residuals[0] < 0.1 * Math.abs(h.topEigenvalues()[0]))) {
                    boolean live = h.settings() == null || h.settings().activationPattern().equals(HessianSettings.LIVE);
                    warnings.add(String.format(java.util.Locale.ROOT, "report: the Hessian λ_max of %s did not converge (power-iteration "
                            + "residual %.3g against λ %.4g): the vector is not an eigenvector%s (docs/experiments.md, Flatness)", run, residuals[0],
                            h.topEigenvalues()[0], live ? ", and with the activation pattern recomputed at each point (live) the "
                                    + "finite-difference products of a ReLU or max-pool network may not measure the Hessian at all" : ""));
                }
                m.put("hessian_top", h.topEigenvalues().length > 0 ? h.topEigenvalues()[0] : Double.NaN);
                m.put("hessian_trace", h.trace());
                if (h.fullGradNorm() != null) {
                    m.put("full_grad_norm", h.fullGradNorm());
                }
            }
            boolean hasPsi = s.psiVars.stream().anyMatch(Double::isFinite);
            return new FinishedRun(run, cfg, Settings.of(cfg), array(s.gradNorms), array(s.epochErrors), array(s.stepGradNorms), array(s.stepLosses),
                    hasPsi ? array(s.psiVars) : null, List.copyOf(s.probes), m, s.seconds, arrays(s.values), experiment);
        } catch (java.nio.file.AccessDeniedException e) { // another user's run written under a umask such as 077 (issue 22 item 9)
            warnings.add("report: skipped " + run + ": permission denied reading " + e.getFile() + "; its owner can run chmod -R go+rX on it");
            return null;
        } catch (IOException | RuntimeException e) {
            warnings.add("report: skipped " + run + ": " + file + " is damaged or unreadable (" + BadInput.messageOf(e) + ")");
            return null;
        }
    }

    /** The per-step and per-epoch series of a metrics file. */
    private static final class Series {
        final List<Double> gradNorms = new ArrayList<>();
        final List<Double> epochErrors = new ArrayList<>();
        final List<Double> stepGradNorms = new ArrayList<>();
        final List<Double> stepLosses = new ArrayList<>();
        final List<Double> psiVars = new ArrayList<>();
        final List<Metrics.PsiProbe> probes = new ArrayList<>();
        final Map<String, List<Double>> values = new TreeMap<>();
        int firstEpochSteps;
        double seconds;
    }

    private static Series series(List<Metrics.Line> lines) {
        Series s = new Series();
        for (Metrics.Line line : lines) {
            if (line instanceof Metrics.PsiProbe p) {
                s.probes.add(p);
            } else if (line instanceof Metrics.Epoch ep) {
                s.gradNorms.add(ep.meanGradNorm());
                s.epochErrors.add(100 * ep.testError());
                s.seconds += Double.isFinite(ep.seconds()) ? ep.seconds() : 0;
            } else if (line instanceof Metrics.Step st) {
                s.stepGradNorms.add(st.gradNorm());
                s.stepLosses.add(st.loss());
                int at = s.stepGradNorms.size() - 1;
                Map<String, Double> schedules = new LinkedHashMap<>();
                schedules.put("lr", st.lr());
                schedules.putAll(st.values());
                schedules.forEach((k, x) -> {
                    if (Double.isFinite(x)) { // NaN (an estimator without r, α, λ) is not drawn
                        List<Double> v = s.values.computeIfAbsent(k, key -> new ArrayList<>());
                        while (v.size() < at) {
                            v.add(Double.NaN);
                        }
                        v.add(x);
                    }
                });
                s.psiVars.add(st.psiVar() == null ? Double.NaN : st.psiVar());
                if (st.epoch() == 0) {
                    s.firstEpochSteps++;
                }
            }
        }
        return s;
    }

    private static double[] array(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Map<String, double[]> arrays(Map<String, List<Double>> values) {
        Map<String, double[]> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, array(v)));
        return out;
    }

    /** Mean of f over the finite results; NaN if none. */
    private static double mean(List<Double> xs, Function<Double, Double> f) {
        return xs.stream().map(f).mapToDouble(Double::doubleValue).filter(Double::isFinite).average().orElse(Double.NaN);
    }
}
