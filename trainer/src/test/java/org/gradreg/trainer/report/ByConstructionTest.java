package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 21 item 6: settings identical by construction are found from the configuration and never compared. */
class ByConstructionTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void zeroWarmupGrOverAnAllWarmupRunIsPlainTrainingAndGetsNoVerdict() throws Exception {
        // 3 epochs, all LR warmup: zero-warmup GR never takes a GR step
        TrainConfig plain = TinyRuns.linear("plain", 0).with("optimizer.schedule.warmupEpochs", 3);
        TrainConfig zero = TinyRuns.linear("gr:r=0.05,alpha=0.8,warmup=zero", 0).with("optimizer.schedule.warmupEpochs", 3);
        assertNotNull(ByConstruction.plainTraining(Settings.of(zero)));
        assertNull(ByConstruction.plainTraining(Settings.of(plain)));
        assertNull(ByConstruction.plainTraining(Settings.of(TinyRuns.linear("gr:r=0.05,alpha=0.8,warmup=zero", 0))), "1 of 3 epochs warmup");
        assertNull(ByConstruction.plainTraining(Settings.of(TinyRuns.linear("gr:r=0.05,alpha=0.8", 0).with("optimizer.schedule.warmupEpochs", 3))),
                "GR without warmup takes GR steps");
        assertNull(ByConstruction.plainTraining(Settings.of(TinyRuns.linear("gr:r=0.05,alpha=0.8,warmup=zero,warmup_epochs=2", 0)
                .with("optimizer.schedule.warmupEpochs", 3))), "its own GR warmup of 2 of 3 epochs");
        // and the construction holds: the runs are the same (checked here, not used by the detection)
        for (long seed = 0; seed < 3; seed++) {
            RunResult a = new Trainer(plain.with("run.seed", seed), dir.resolve("runs/plain-" + seed)).progress(false).run(false);
            RunResult b = new Trainer(zero.with("run.seed", seed), dir.resolve("runs/zero-" + seed)).progress(false).run(false);
            assertEquals(a.testError(), b.testError(), 0);
            assertEquals(a.trainLoss(), b.trainLoss(), 0);
        }
        ReportSpec spec = ReportSpec.parse(Json.mapper().readTree("{\"compare\": [\"estimator.name=plain\"], \"claims\": [{\"id\": \"Z\", \"claim\": "
                + "\"zero-warmup GR beats no GR\", \"compare\": \"estimator.name=gr\", \"against\": \"estimator.name=plain\", \"expect\": \"lower\"}]}"),
                "t");
        Report rep = Report.of(dir.resolve("runs"), spec);
        ClaimOutcome o = rep.claims().get(0);
        assertTrue(o.verdict().startsWith("no verdict: identical by construction (zero-warmup GR whose warmup (3 epochs) covers the whole 3-epoch"),
                o.verdict());
        assertEquals(0, o.family(), "not counted among the tests");
        List<Comparison> c = rep.comparisons();
        assertEquals(1, c.size());
        assertEquals(0, c.get(0).family());
        assertTrue(Tables.differences(c).contains("not a comparison"), Tables.differences(c));
    }
}
