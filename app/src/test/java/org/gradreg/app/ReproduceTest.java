package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.report.ReportSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 21 item 6 and issue 22 item 16's reproduce parts. */
class ReproduceTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    private static String[] run(int expectedCode, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Gradreg.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(expectedCode, cl.execute(args), err.toString());
        return err.toString().strip().split("\n");
    }

    @Test
    void zeroEpochsAndASecondReproduceIntoTheSameFolderAreRefused() throws Exception {
        Path out = dir.resolve("out");
        for (String bad : List.of("0", "-1")) {
            String[] lines = run(2, "reproduce", "--trainer-epochs", bad, "--out", out.toString());
            assertEquals(1, lines.length, String.join("\n", lines));
            assertTrue(lines[0].contains("--trainer-epochs must be at least 1"), lines[0]);
        }
        assertFalse(Files.exists(out));
        Files.createDirectories(out);
        Files.writeString(out.resolve("index.md"), "the first reproduce\n");
        String[] lines = run(2, "reproduce", "--quick", "--out", out.toString());
        assertEquals(1, lines.length, String.join("\n", lines));
        assertTrue(lines[0].contains("already holds the results of a reproduce") && lines[0].contains("--overwrite"), lines[0]);
        assertEquals("the first reproduce\n", Files.readString(out.resolve("index.md")));
        try (var s = Files.list(out)) {
            assertEquals(1, s.count(), "nothing else written");
        }
    }

    @Test
    void trainerEpochsAreHonouredOnRealDataAndQuickDropsRunsIdenticalByConstruction() {
        assertEquals(2, ReproduceCommand.epochs(2, false, true));
        assertEquals(5, ReproduceCommand.epochs(5, true, true), "given epochs win over --quick's 1");
        assertEquals(TrainerComparison.specEpochs(), ReproduceCommand.epochs(null, false, true));
        assertEquals(1, ReproduceCommand.epochs(null, true, true));
        List<TrainConfig> full = TrainerComparison.configs(0, 2, true, false);
        assertTrue(full.stream().allMatch(c -> c.run().epochs() == 2), "every run trains the epochs asked for");
        assertEquals(12, full.size(), "no GR, GR, zero-warmup GR and the linear baseline, seeds 0-2");
        assertEquals(3, full.stream().filter(c -> c.model().spec().equals("linear")).count());
        assertTrue(TrainerComparison.identical(0, 2, true, false).isEmpty());
        if (TrainerComparison.realData()) { // the linear baseline takes the ViT runs' settings: checked as reproduce checks them
            TrainerComparison.check(0, 2, true, false);
        }
        // one epoch, all of it LR warmup: zero-warmup GR is no GR by construction and is not run
        List<TrainConfig> quick = TrainerComparison.configs(0, 1, true, true);
        assertEquals(9, quick.size());
        assertTrue(quick.stream().noneMatch(c -> "zero".equals(c.estimator().keys().get("warmup"))), quick.toString());
        List<String> same = TrainerComparison.identical(0, 1, true, true);
        assertEquals(1, same.size(), same.toString());
        assertTrue(same.get(0).startsWith("zero-warmup-gr-seed-0, zero-warmup-gr-seed-1, zero-warmup-gr-seed-2 (zero-warmup GR whose warmup"), same.get(0));
        assertTrue(TrainerComparison.configs(0, 1, false, true).stream().noneMatch(c -> "zero".equals(c.estimator().keys().get("warmup"))),
                "the synthetic comparison too");
    }

    @Test
    void settingsOutsideTheBaselineBandMakeTheSectionTooShortToJudge() throws Exception {
        Path runs = dir.resolve("runs");
        for (String est : List.of("plain", "gr:r=0.05,alpha=0.8")) {
            for (long seed = 0; seed < 3; seed++) {
                TrainConfig c = TrainConfig.defaults().with("model.spec", "linear", "data.spec", "synthetic:train=64,test=32,classes=3,size=4",
                        "data.augment", false, "optimizer.rule", "adam", "optimizer.lr", 1e-2, "optimizer.weightDecay", 0, "optimizer.clip", 0,
                        "run.batch", 16, "run.epochs", 2, "optimizer.schedule.warmupEpochs", 1, "run.seed", seed, "run.evalBatch", 32)
                        .withEstimator(EstimatorConfig.parse(est));
                new Trainer(c, runs.resolve(est.substring(0, 2) + seed)).progress(false).run(false);
            }
        }
        String claims = "\"claims\": [{\"id\": \"T1\", \"claim\": \"c\", \"compare\": \"estimator.name=gr\", \"against\": \"estimator.name=plain\", "
                + "\"expect\": \"lower\"}]";
        String tooShort = TrainerComparison.verdicts(Report.of(runs, ReportSpec.parse(Json.mapper().readTree("{" + claims
                + ", \"gate\": {\"max_test_error\": 0.001}}"), "t")), "2 epochs");
        assertTrue(tooShort.startsWith("**Too short to judge**: after 2 epochs") && tooShort.contains("did not train"), tooShort);
        assertFalse(tooShort.contains("| claim |") || tooShort.contains("effect seen") || tooShort.contains("not seen"), tooShort);
        String judged = TrainerComparison.verdicts(Report.of(runs, ReportSpec.parse(Json.mapper().readTree("{" + claims
                + ", \"gate\": {\"max_test_error\": 99.999}}"), "t")), "2 epochs");
        assertTrue(judged.startsWith("| claim | paired seeds |") && judged.contains("| T1: c (test error %) | 3 |"), judged);
    }
}
