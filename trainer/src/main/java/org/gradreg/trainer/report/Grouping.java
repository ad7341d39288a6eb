package org.gradreg.trainer.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.config.TrainConfig;

/**
 * Finished runs pooled over seeds into {@link Group}s. Runs that differ in any setting but the
 * seed land in different groups; the row names the method, the LR warmup and every other setting
 * in which the runs differ. A second run of the same settings and seed is counted once: with the
 * same result it is a plain repeat (a warning); with a different result it is a conflict, named in
 * the warnings and on the group (whose comparisons then get no verdict: the pairing of seeds
 * assumes a seed determines the run). Runs that diverged or did not finish are counted on the
 * group of their settings ("k of n diverged"), so a mean never silently leaves out a seed. Groups
 * are ordered by column, then row.
 *
 * @param groups  by their key (column, row, settings)
 * @param counted the runs pooled
 * @param seconds their training time
 */
record Grouping(Map<String, Group> groups, int counted, double seconds) {

    /** Settings shown by the column (model / data set) and the row's method and LR warmup (besides the estimator's). */
    private static final Set<String> SHOWN = Set.of("model.spec", "data.spec", "optimizer.rule", "optimizer.schedule.warmupEpochs");

    /** The run seed: what the runs of a group differ in. */
    static final String SEED = "run.seed";

    private static boolean shown(String path) {
        return SHOWN.contains(path) || Settings.ofEstimator(path);
    }

    static Grouping of(List<FinishedRun> done, ReportSpec spec, List<String> warnings) {
        return of(done, List.of(), spec, warnings);
    }

    /** As {@link #of(List, ReportSpec, List)}, with the runs that were not counted attributed to their settings. */
    static Grouping of(List<FinishedRun> done, List<RunReader.LeftOut> leftOut, ReportSpec spec, List<String> warnings) {
        List<Map<String, Object>> all = new ArrayList<>();
        done.forEach(f -> all.add(f.settings()));
        leftOut.forEach(l -> all.add(Settings.of(l.cfg())));
        Set<String> differing = new HashSet<>();
        for (Map<String, Object> s : all) {
            s.forEach((k, v) -> {
                if (!k.equals(SEED) && !shown(k) && !Objects.equals(v, all.get(0).get(k))) {
                    differing.add(k);
                }
            });
        }
        Map<String, Group> groups = new TreeMap<>();
        Map<String, FinishedRun> seeds = new LinkedHashMap<>();
        int counted = 0;
        double seconds = 0;
        for (FinishedRun f : done) {
            Group grp = group(groups, f.cfg(), f.settings(), f.experiment(), f.stepValues(), differing, spec);
            long seed = f.cfg().run().seed();
            FinishedRun other = seeds.putIfAbsent(key(f.cfg(), f.settings(), f.experiment(), differing) + "\u0000seed " + seed, f);
            if (other != null) {
                if (sameResult(other, f)) {
                    warnings.add("report: " + f.dir() + " repeats seed " + seed + " of " + other.dir() + " (same settings, same result); counted once");
                } else {
                    String line = String.format(Locale.ROOT, "seed %d run twice with different results: %s (test error %.4g %%) and %s "
                            + "(%.4g %%); the first is counted", seed, other.dir(), other.metrics().get("test_error"), f.dir(),
                            f.metrics().get("test_error"));
                    grp.conflicts().add(line);
                    warnings.add("report: conflict: " + line + "; comparisons of " + grp.row() + " get no verdict");
                }
                continue;
            }
            grp.testErrors().add(f.metrics().get("test_error"));
            grp.gradNorms().add(f.gradNorms());
            grp.epochErrors().add(f.epochErrors());
            grp.stepGradNorms().add(f.stepGradNorms());
            grp.stepLosses().add(f.stepLosses());
            if (!f.probes().isEmpty()) {
                grp.probes().add(f.probes());
            }
            if (f.stepPsiVars() != null) {
                grp.stepPsiVars().add(f.stepPsiVars());
            }
            f.metrics().forEach((k, v) -> grp.metrics().computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            grp.bySeed().put(seed, f.metrics());
            counted++;
            seconds += f.seconds();
        }
        for (RunReader.LeftOut l : leftOut) {
            Group grp = group(groups, l.cfg(), Settings.of(l.cfg()), l.experiment(), Map.of(), differing, spec);
            grp.leftOut().merge(l.reason(), 1, Integer::sum);
        }
        return new Grouping(groups, counted, seconds);
    }

    /** Whether two runs of the same settings and seed agree in test error and gradient norms (NaN equals NaN). */
    private static boolean sameResult(FinishedRun a, FinishedRun b) {
        for (String m : List.of("test_error", "final_grad_norm", "warmup_grad_norm")) {
            if (!Objects.equals(a.metrics().get(m), b.metrics().get(m))) {
                return false;
            }
        }
        return true;
    }

    private static String key(TrainConfig cfg, Map<String, Object> settings, String experiment, Set<String> differing) {
        Map<String, Object> key = new TreeMap<>(settings);
        key.remove(SEED);
        return column(cfg) + "\u0000" + row(cfg, settings, differing) + "\u0000" + key + "\u0000" + experiment;
    }

    private static String column(TrainConfig cfg) {
        return cfg.model().spec() + " / " + cfg.data().spec();
    }

    private static String row(TrainConfig cfg, Map<String, Object> settings, Set<String> differing) {
        StringBuilder row = new StringBuilder(cfg.method() + String.format(Locale.ROOT, ", LR warmup %s ep",
                Text.number(cfg.optimizer().schedule().warmupEpochs())));
        for (String k : Settings.paths()) {
            if (differing.contains(k)) {
                row.append(", ").append(Settings.shortName(k)).append(' ').append(Text.value(settings.get(k)));
            }
        }
        return row.toString();
    }

    private static Group group(Map<String, Group> groups, TrainConfig cfg, Map<String, Object> settings, String experiment,
                               Map<String, double[]> stepValues, Set<String> differing, ReportSpec spec) {
        String row = row(cfg, settings, differing) + (experiment.isEmpty() ? "" : " [" + experiment + "]");
        StringBuilder panel = new StringBuilder();
        for (String k : spec.panels()) {
            panel.append(panel.length() == 0 ? "" : ", ").append(Settings.shortName(k)).append(' ').append(Text.value(settings.get(k)));
        }
        Map<String, Object> key = new TreeMap<>(settings);
        key.remove(SEED);
        Group g = groups.computeIfAbsent(key(cfg, settings, experiment, differing), k -> new Group(column(cfg), row, panel.toString(), key,
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new TreeMap<>(),
                new TreeMap<>(stepValues), new ArrayList<>(), new TreeMap<>(), new ArrayList<>(), new TreeMap<>(), experiment));
        if (g.stepValues().isEmpty() && !stepValues.isEmpty()) {
            g.stepValues().putAll(stepValues); // the first finished run's, when a left-out run created the group
        }
        return g;
    }
}
