package org.gradreg.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.FashionMnist;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.loop.RunSpec;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.ClaimOutcome;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.report.ReportSpec;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;

/**
 * The training comparison of {@code reproduce}: the harmful-GR experiment (Tables 1-2, Figs. 2/4)
 * in miniature. With Fashion-MNIST installed: the runs of {@value #SPEC} for AdamW without GR, with
 * GR and with zero-warmup GR, seeds 0-2, on a 2,500-image subset (the spec's model, optimizer,
 * warmup and epochs; only the data is smaller), reported with Welch intervals and the spec's
 * claims. Without it: vit-nano on the built-in synthetic set (16×16 images), one seed.
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

    static List<TrainConfig> configs(long seed, int epochs, boolean real, boolean quick) {
        if (!real) {
            TrainConfig base = TrainConfig.defaults().withModel("vit-nano").withData(SYNTHETIC, null, 0, 0, 0)
                    .withOptimizer("adam", 2e-3, 0, "cosine").withLength(100, epochs, Math.max(1, epochs / 4))
                    .withRegularisation(5.0, 0.0, true).withRun(seed, "float", 0, 500);
            return List.of(base.withEstimator("plain", "", "none", -1),
                    base.withEstimator("gr", "r=0.05,alpha=0.8", "none", -1),
                    base.withEstimator("gr", "r=0.05,alpha=0.8", "zero", -1));
        }
        return Grid.parse(spec(), SPEC).runs().stream().map(Grid.Run::config)
                .filter(c -> c.optimizer().equals("adamw") && c.seed() < 3 && !c.grWarmup().equals("r") && !c.grWarmup().equals("lambda"))
                .map(c -> c.withData(quick ? REAL_QUICK : REAL, null, c.dataSeed(), 0, 0)
                        .withLength(c.batch(), quick ? 1 : c.epochs(), Math.min(c.warmupEpochs(), quick ? 1 : c.epochs())))
                .toList();
    }

    /** Checks the runs' specifications (before anything of {@code reproduce} runs). */
    static void check(long seed, int epochs, boolean real, boolean quick) {
        configs(seed, epochs, real, quick).forEach(RunSpec::check);
    }

    /** Runs (or resumes) the runs under {@code out} and writes their report there; returns the Markdown section. */
    static String run(Path out, long seed, int epochs, boolean real, boolean quick, Consumer<String> progress) throws IOException {
        List<TrainConfig> cs = configs(seed, epochs, real, quick);
        cs.forEach(RunSpec::check);
        for (int i = 0; i < cs.size(); i++) {
            TrainConfig c = cs.get(i);
            progress.accept("run " + (i + 1) + " of " + cs.size() + ": " + c.method() + ", seed " + c.seed());
            Path dir = out.resolve(name(c));
            // continue an interrupted run of the same settings; start afresh if the settings changed (e.g. after --quick)
            TrainConfig saved = new RunDir(dir).readConfig();
            boolean same = c.equals(saved);
            RunResult r = new Trainer(c, dir).progress(false).overwrite(!same).log(new PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run(same);
            progress.accept(String.format(Locale.ROOT, "  %s: test error %.4f", r.status(), r.testError()));
        }
        ReportSpec rs = real ? ReportSpec.parse(spec().get("report"), SPEC) : ReportSpec.NONE;
        Report rep = Report.of(out, rs);
        rep.write(out);
        TrainConfig first = cs.get(0);
        StringBuilder md = new StringBuilder();
        if (real) {
            md.append(String.format(Locale.ROOT, "**Real data**: Fashion-MNIST (%s), %s, AdamW %s with %s of %d epochs of LR warmup, seeds 0-2 ", 
                    first.dataset(), first.model(), trim(first.lr()), trim(first.warmupEpochs()), first.epochs()))
                    .append("(the runs of [`" + SPEC + "`](../../" + SPEC + ") for AdamW without GR, with GR and with zero-warmup GR, on a smaller subset; ")
                    .append("[report](trainer/report.md), [CSV](trainer/report.csv)). Top-1 test error in %, mean ± std (seeds):\n\n")
                    .append(rep.table()).append('\n');
            List<ClaimOutcome> ran = rep.claims().stream().filter(c -> c.welch() != null).toList();
            md.append("| claim | Δ [95% interval] | verdict |\n|---|---|---|\n");
            for (ClaimOutcome o : ran) {
                md.append("| ").append(o.claim().id()).append(": ").append(o.claim().claim()).append(" (").append(o.claim().metric()).append(") | ")
                        .append(String.format(Locale.ROOT, "%+.3g [%+.3g, %+.3g]", o.welch().difference(), o.welch().low(), o.welch().high()))
                        .append(" | ").append(o.verdict()).append(" |\n");
            }
            md.append("\n![gradient norm per step](trainer/grad-norm-1.png)\n\n![Var(ψ) per step](trainer/psi-var-1.png)\n");
        } else {
            md.append("**Synthetic data** (Fashion-MNIST is not installed: `apt-get install dataset-fashion-mnist` gives the real-data version): ")
                    .append("vit-nano on the built-in synthetic set (16×16), Adam 2e-3 with ").append(Math.max(1, epochs / 4)).append(" warmup epoch(s) of ")
                    .append(epochs).append(", one seed ([report](trainer/report.md), [CSV](trainer/report.csv)). Top-1 test error in %:\n\n")
                    .append(rep.table()).append("\n![gradient norm](trainer/grad-norm-1.png)\n");
        }
        return md.toString();
    }

    /** The run directory of a config: method, warmup policy and seed. */
    static String name(TrainConfig c) {
        return (c.estimator().equals("plain") ? "no-gr" : c.grWarmup().equals("none") ? "gr" : c.grWarmup() + "-warmup-gr") + "-seed-" + c.seed();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
