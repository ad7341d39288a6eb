package org.gradreg.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.FashionMnist;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.loop.RunPlan;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.report.ByConstruction;
import org.gradreg.trainer.report.ClaimOutcome;
import org.gradreg.trainer.report.Gate;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.report.ReportSpec;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;

/**
 * The training comparison of {@code reproduce}: the harmful-GR experiment (Tables 1-2, Figs. 2/4)
 * in miniature. With Fashion-MNIST installed: the runs of {@value #SPEC} for AdamW without GR, with
 * GR and with zero-warmup GR, seeds 0-2, on a 2,500-image subset (the spec's model, optimizer,
 * warmup and epochs unless {@code --trainer-epochs} gives others; only the data is smaller), with
 * a linear classifier on the same data and budget as the baseline band ({@link #BAND}): the
 * spec's claims get verdicts (paired over seeds) only when every ViT setting beat it, else the
 * section says "too short to judge". Without it: vit-nano on the built-in synthetic set (16×16
 * images), one seed, no verdicts. A setting identical to another by construction
 * ({@link ByConstruction}: zero-warmup GR in an all-warmup run) is not run.
 */
final class TrainerComparison {

    static final String SPEC = "examples/fmnist-harmful-gr.json";
    static final String SYNTHETIC = "synthetic:train=2000,test=1000,classes=10,size=16";
    static final String REAL = "fashion-mnist:train=2500,test=1000";
    static final String REAL_QUICK = "fashion-mnist:train=1000,test=500";

    private TrainerComparison() {
    }

    /** Whether Debian's dataset-fashion-mnist is installed (all four IDX files, gzipped or not). */
    static boolean realData() {
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            if (!Files.exists(FashionMnist.DEFAULT_DIR.resolve(f + ".gz")) && !Files.exists(FashionMnist.DEFAULT_DIR.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    /** The harmful-GR grid spec, shipped with the command line. */
    static JsonNode spec() {
        try (InputStream in = TrainerComparison.class.getResourceAsStream("/" + SPEC)) {
            if (in == null) {
                throw new IllegalStateException(SPEC + " is not on the class path (rebuild: ./mvnw -DskipTests package)");
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(SPEC + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** The baseline band of the real-data comparison: better than a linear classifier on the same data and budget. */
    static final Gate BAND = new Gate(Double.NaN, ReportSpec.Selector.parse("model.spec=linear", "reproduce"));

    /** The runs of the comparison, without those identical to another by construction. */
    static List<TrainConfig> configs(long seed, int epochs, boolean real, boolean quick) {
        return all(seed, epochs, real, quick).stream().filter(c -> ByConstruction.plainTraining(Settings.of(c)) == null).toList();
    }

    /** The runs left out because they are identical to no GR by construction, with why. */
    static List<String> identical(long seed, int epochs, boolean real, boolean quick) {
        java.util.Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
        for (TrainConfig c : all(seed, epochs, real, quick)) {
            String why = ByConstruction.plainTraining(Settings.of(c));
            if (why != null) {
                byReason.computeIfAbsent(why, k -> new java.util.ArrayList<>()).add(name(c));
            }
        }
        List<String> out = new java.util.ArrayList<>();
        byReason.forEach((why, names) -> out.add(String.join(", ", names) + " (" + why + ")"));
        return out;
    }

    private static List<TrainConfig> all(long seed, int epochs, boolean real, boolean quick) {
        if (!real) {
            TrainConfig base = TrainConfig.defaults().with("model.spec", "vit-nano", "data.spec", SYNTHETIC, "optimizer.rule", "adam",
                    "optimizer.lr", 2e-3, "optimizer.weightDecay", 0.0, "run.batch", 100, "run.epochs", epochs,
                    "optimizer.schedule.warmupEpochs", Math.max(1, epochs / 4), "optimizer.clip", 5.0, "run.labelSmoothing", 0.0,
                    "data.augment", true, "run.seed", seed, "model.dtype", "float", "run.checkpointEvery", 0, "run.evalBatch", 500);
            EstimatorConfig gr = EstimatorConfig.parse("gr:r=0.05,alpha=0.8");
            return List.of(base, base.withEstimator(gr), base.withEstimator(gr.with("warmup", "zero")));
        }
        List<TrainConfig> vit = Grid.parse(spec(), SPEC).runs().stream().map(Grid.Run::config)
                .filter(c -> c.optimizer().rule().equals("adamw") && c.run().seed() < 3 && !Set.of("r", "lambda").contains(warmup(c)))
                .map(c -> c.with("data.spec", quick ? REAL_QUICK : REAL, "data.dir", null, "data.trainLimit", 0, "data.testLimit", 0,
                        "run.epochs", epochs, "optimizer.schedule.warmupEpochs", Math.min(c.optimizer().schedule().warmupEpochs(), epochs)))
                .toList();
        List<TrainConfig> out = new java.util.ArrayList<>(vit);
        // the baseline band: softmax regression on the same data with the same optimizer and budget, the same seeds
        vit.stream().filter(c -> c.estimator().name().equals("plain"))
                .forEach(c -> out.add(c.with("model.spec", "linear")));
        return out;
    }

    /** The spec's epochs: what the real-data comparison trains when {@code --trainer-epochs} is not given. */
    static int specEpochs() {
        return Grid.parse(spec(), SPEC).runs().get(0).config().run().epochs();
    }

    /**
     * Deletes the run directories directly under {@code out} that are not runs of this comparison
     * (left by an earlier reproduce with other options), so the report holds only this one's runs.
     */
    static void removeOthers(Path out, Set<String> names, Consumer<String> progress) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        List<Path> stale;
        try (var s = Files.list(out)) {
            stale = s.filter(d -> Files.exists(d.resolve(RunDir.CONFIG)) && !names.contains(d.getFileName().toString())).toList();
        }
        for (Path d : stale) {
            progress.accept("removing " + d + ": a run of an earlier reproduce with other options");
            try (var w = Files.walk(d)) {
                for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The GR warmup policy of a run (none for other estimators). */
    private static String warmup(TrainConfig c) {
        return String.valueOf(c.estimator().keys().getOrDefault("warmup", "none"));
    }

    /** Checks the runs' specifications (before anything of {@code reproduce} runs). */
    static void check(long seed, int epochs, boolean real, boolean quick) {
        configs(seed, epochs, real, quick).forEach(RunPlan::check);
    }

    /** Runs (or resumes) the runs under {@code out} and writes their report there; returns the Markdown section. */
    static String run(Path out, long seed, int epochs, boolean real, boolean quick, Consumer<String> progress) throws IOException {
        List<TrainConfig> cs = configs(seed, epochs, real, quick);
        List<RunPlan> plans = cs.stream().map(RunPlan::check).toList(); // the trainer takes each plan
        removeOthers(out, cs.stream().map(TrainerComparison::name).collect(java.util.stream.Collectors.toSet()), progress);
        for (int i = 0; i < cs.size(); i++) {
            TrainConfig c = cs.get(i);
            progress.accept("run " + (i + 1) + " of " + cs.size() + ": " + c.model().spec() + ", " + c.method() + ", seed " + c.run().seed());
            Path dir = out.resolve(name(c));
            // continue an interrupted run of the same settings; start afresh if the settings changed (e.g. after --quick)
            TrainConfig saved = new RunDir(dir).readConfig();
            boolean same = c.equals(saved);
            RunResult r = new Trainer(plans.get(i), dir).progress(false).overwrite(!same).log(new PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run(same);
            progress.accept(String.format(Locale.ROOT, "  %s: test error %.4f", r.status(), r.testError()));
        }
        ReportSpec rs = ReportSpec.NONE;
        if (real) {
            ReportSpec s = ReportSpec.parse(spec().get("report"), SPEC);
            rs = new ReportSpec(s.panels(), s.x(), s.compare(), s.claims(), BAND);
        }
        Report rep = Report.of(out, rs);
        rep.write(out);
        List<String> same = identical(seed, epochs, real, quick);
        TrainConfig first = cs.get(0);
        StringBuilder md = new StringBuilder();
        if (real) {
            md.append(String.format(Locale.ROOT, "**Real data**: Fashion-MNIST (%s), %s, AdamW %s with %s of %d epochs of LR warmup, seeds 0-2 ", 
                    first.data().spec(), first.model().spec(), trim(first.optimizer().lr()), trim(first.optimizer().schedule().warmupEpochs()),
                    first.run().epochs()))
                    .append("(the runs of [`" + SPEC + "`](../../" + SPEC + ") for AdamW without GR, with GR and with zero-warmup GR, on a smaller subset; ")
                    .append("[report](trainer/report.md), [CSV](trainer/report.csv)). Top-1 test error in %, mean ± std (seeds):\n\n")
                    .append(rep.table()).append('\n');
            md.append(verdicts(rep, String.format(Locale.ROOT, "%d epoch(s) on %s", epochs, first.data().spec())));
            md.append("\n![gradient norm per step](trainer/grad-norm-1.png)\n\n![Var(ψ) per step](trainer/psi-var-1.png)\n");
        } else {
            md.append("**Synthetic data** (Fashion-MNIST is not installed: `apt-get install dataset-fashion-mnist` gives the real-data version): ")
                    .append("vit-nano on the built-in synthetic set (16×16), Adam 2e-3 with ").append(Math.max(1, epochs / 4)).append(" warmup epoch(s) of ")
                    .append(epochs).append(", one seed ([report](trainer/report.md), [CSV](trainer/report.csv)). Top-1 test error in %:\n\n")
                    .append(rep.table()).append("\n![gradient norm](trainer/grad-norm-1.png)\n");
        }
        if (!same.isEmpty()) {
            md.append("\nNot run, identical to no GR by construction (not compared): ").append(String.join("; ", same)).append(".\n");
        }
        return md.toString();
    }

    /**
     * The claims' verdicts when every compared setting reached the report's baseline band; else
     * "too short to judge" with each setting's standing, and no verdicts.
     */
    static String verdicts(Report rep, String budget) {
        StringBuilder md = new StringBuilder();
        List<ClaimOutcome> ran = rep.claims().stream().filter(c -> c.test() != null).toList();
        var standings = rep.standings();
        boolean untrained = standings.values().stream().anyMatch(s -> !s.trained());
        if (untrained) {
            md.append("**Too short to judge**: after ").append(budget).append(" not every setting reached the baseline band (")
                    .append("better than a linear classifier on the same data and budget), so no verdict is given:\n\n")
                    .append("| setting | test error % | baseline band |\n|---|---|---|\n");
            standings.forEach((g, s) -> md.append("| ").append(g.row()).append(" (").append(g.column()).append(") | ")
                    .append(String.format(Locale.ROOT, "%.2f", g.mean())).append(" | ").append(s.text()).append(" |\n"));
            return md.toString();
        }
        md.append("| claim | paired seeds | Δ [paired-t 95% interval] | verdict |\n|---|---|---|---|\n");
        for (ClaimOutcome o : ran) {
            md.append("| ").append(o.claim().id()).append(": ").append(o.claim().claim()).append(" (").append(Report.label(o.claim().metric())).append(") | ")
                    .append(o.test().n()).append(" | ")
                    .append(String.format(Locale.ROOT, "%+.3g [%+.3g, %+.3g]", o.test().difference(), o.test().low(), o.test().high()))
                    .append(" | ").append(o.verdict()).append(" |\n");
        }
        return md.toString();
    }

    /** The run directory of a config: model (linear: the baseline), method, warmup policy and seed. */
    static String name(TrainConfig c) {
        return (c.model().spec().equals("linear") ? "linear-" : "") + (c.estimator().name().equals("plain") ? "no-gr" : warmup(c).equals("none") ? "gr" : warmup(c) + "-warmup-gr") + "-seed-"
                + c.run().seed();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
