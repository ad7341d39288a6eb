package org.gradreg.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.gradreg.trainer.Report;
import org.gradreg.trainer.RunSpec;
import org.gradreg.trainer.TrainConfig;
import org.gradreg.trainer.Trainer;

/**
 * The small trainer run of {@code reproduce}: vit-nano on the built-in synthetic set (16×16 images,
 * so it takes minutes on 2 cores), Adam with LR warmup and cosine decay, without GR, with GR and
 * with zero-warmup GR (harmful-GR paper, Tables 1-2 and Figures 2/4 in miniature), one seed.
 */
final class TrainerComparison {

    static final String DATA = "synthetic:train=2000,test=1000,classes=10,size=16";

    private TrainerComparison() {
    }

    static List<TrainConfig> configs(long seed, int epochs) {
        TrainConfig base = TrainConfig.defaults().withModel("vit-nano").withData(DATA, null, 0, 0, 0)
                .withOptimizer("adam", 2e-3, 0, "cosine").withLength(100, epochs, Math.max(1, epochs / 4))
                .withRegularisation(5.0, 0.0, true).withRun(seed, "float", 0, 500);
        return List.of(base.withEstimator("plain", "", "none", -1),
                base.withEstimator("gr", "r=0.05,alpha=0.8", "none", -1),
                base.withEstimator("gr", "r=0.05,alpha=0.8", "zero", -1));
    }

    /** Checks the runs' specifications (before anything of {@code reproduce} runs). */
    static void check(long seed, int epochs) {
        configs(seed, epochs).forEach(RunSpec::check);
    }

    /** Runs (or resumes) the three runs under {@code out} and writes their report there; returns the Markdown section. */
    static String run(Path out, long seed, int epochs, Consumer<String> progress) throws IOException {
        List<TrainConfig> cs = configs(seed, epochs);
        cs.forEach(RunSpec::check);
        String[] names = {"no-gr", "gr", "zero-warmup-gr"};
        for (int i = 0; i < cs.size(); i++) {
            progress.accept("run " + (i + 1) + " of " + cs.size() + ": " + cs.get(i).method());
            Path dir = out.resolve(names[i]);
            // continue an interrupted run of the same settings; start afresh if the settings changed (e.g. after --quick)
            Path cfg = dir.resolve(Trainer.CONFIG);
            boolean same = java.nio.file.Files.exists(cfg) && Trainer.json().readValue(cfg.toFile(), TrainConfig.class).equals(cs.get(i));
            Trainer.Result r = new Trainer(cs.get(i), dir).progress(false).overwrite(!same).log(new java.io.PrintStream(
                    java.io.OutputStream.nullOutputStream())).run(same);
            progress.accept(String.format(Locale.ROOT, "  %s: test error %.4f", r.status(), r.testError()));
        }
        Report rep = Report.of(out);
        rep.write(out);
        return "vit-nano on the synthetic set (16×16), Adam 2e-3 with " + Math.max(1, epochs / 4) + " warmup epoch(s) of " + epochs
                + ", one seed ([report](trainer/report.md), [CSV](trainer/report.csv)). Top-1 test error in %:\n\n" + rep.table()
                + "\n![gradient norm](trainer/grad-norm-1.png)\n";
    }
}
