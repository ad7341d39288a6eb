package org.gradreg.trainer.report;

import java.nio.file.Path;
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
 * in which the runs differ; a second run of the same settings and seed is counted once, with a
 * warning. Groups are ordered by column, then row.
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
        Set<String> differing = new HashSet<>();
        for (FinishedRun f : done) {
            f.settings().forEach((k, v) -> {
                if (!k.equals(SEED) && !shown(k) && !Objects.equals(v, done.get(0).settings().get(k))) {
                    differing.add(k);
                }
            });
        }
        Map<String, Group> groups = new TreeMap<>();
        Map<String, Path> seeds = new LinkedHashMap<>();
        int counted = 0;
        double seconds = 0;
        for (FinishedRun f : done) {
            TrainConfig cfg = f.cfg();
            String column = cfg.model().spec() + " / " + cfg.data().spec();
            StringBuilder row = new StringBuilder(cfg.method() + String.format(Locale.ROOT, ", LR warmup %s ep",
                    Text.number(cfg.optimizer().schedule().warmupEpochs())));
            for (String k : Settings.paths()) {
                if (differing.contains(k)) {
                    row.append(", ").append(Settings.shortName(k)).append(' ').append(Text.value(f.settings().get(k)));
                }
            }
            StringBuilder panel = new StringBuilder();
            for (String k : spec.panels()) {
                panel.append(panel.length() == 0 ? "" : ", ").append(Settings.shortName(k)).append(' ').append(Text.value(f.settings().get(k)));
            }
            Map<String, Object> key = new TreeMap<>(f.settings());
            key.remove(SEED);
            String groupKey = column + "\u0000" + row + "\u0000" + key;
            long seed = cfg.run().seed();
            Path other = seeds.putIfAbsent(groupKey + "\u0000seed " + seed, f.dir());
            if (other != null) {
                warnings.add("report: " + f.dir() + " repeats seed " + seed + " of " + other + " (same settings); counted once");
                continue;
            }
            Group grp = groups.computeIfAbsent(groupKey, k -> new Group(column, row.toString(), panel.toString(), key, new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new TreeMap<>(), f.stepValues()));
            grp.testErrors().add(f.metrics().get("test_error"));
            grp.gradNorms().add(f.gradNorms());
            grp.stepGradNorms().add(f.stepGradNorms());
            grp.stepLosses().add(f.stepLosses());
            if (f.stepPsiVars() != null) {
                grp.stepPsiVars().add(f.stepPsiVars());
            }
            f.metrics().forEach((k, v) -> grp.metrics().computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            counted++;
            seconds += f.seconds();
        }
        return new Grouping(groups, counted, seconds);
    }
}
