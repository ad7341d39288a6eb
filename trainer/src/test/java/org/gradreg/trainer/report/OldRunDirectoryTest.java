package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory whose config.json is in the flat form of the previous version: read as the same
 * configuration, reported as the same run, found finished by a resume and by a grid of the old
 * spec form, and never rewritten.
 */
class OldRunDirectoryTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    /** config.json as the previous version wrote {@link #run()}'s. */
    static final String OLD = """
            {
              "model" : "linear",
              "dataset" : "%s",
              "dataDir" : null,
              "dataSeed" : 0,
              "trainLimit" : 0,
              "testLimit" : 0,
              "optimizer" : "adam",
              "lr" : 0.01,
              "weightDecay" : 0.0,
              "lrSchedule" : "cosine",
              "batch" : 16,
              "epochs" : 3,
              "warmupEpochs" : 1.0,
              "estimator" : "gr",
              "estimatorSpec" : "r=0.05,alpha=0.8",
              "grWarmup" : "zero",
              "grWarmupEpochs" : -1.0,
              "clip" : 0.0,
              "labelSmoothing" : 0.0,
              "augment" : false,
              "seed" : 0,
              "dtype" : "float",
              "checkpointEvery" : 0,
              "evalBatch" : 32,
              "accumulate" : 1
            }""".formatted(TinyRuns.DATA);

    static TrainConfig run() {
        return TinyRuns.linear("gr:r=0.05,alpha=0.8,warmup=zero", 0);
    }

    @Test
    void anOldRunIsTheSameRunToResumeGridAndReport() throws Exception {
        Path fresh = dir.resolve("new/seed-0");
        new Trainer(run(), fresh).progress(false).run(false);
        Path old = dir.resolve("old/seed-0");
        Files.createDirectories(old);
        try (Stream<Path> s = Files.list(fresh)) {
            for (Path p : s.toList()) {
                Files.copy(p, old.resolve(p.getFileName()));
            }
        }
        Files.writeString(old.resolve(RunDir.CONFIG), OLD);
        assertEquals(run(), new RunDir(old).readConfig());
        Map<String, String> before = TinyRuns.snapshot(old);
        // resume: finished, nothing to do, nothing rewritten
        RunResult r = new Trainer(run(), old).progress(false).log(new PrintStream(new ByteArrayOutputStream())).run(true);
        assertEquals(new RunDir(fresh).readResult(), r);
        // a grid of the old spec form finds it finished with the same settings
        Grid g = Grid.parse(Json.mapper().readTree("{\"base\": " + OLD.replace("\"seed\" : 0,", "") + ", \"axes\": {\"seed\": [0]}}"), "old.json");
        assertEquals(List.of("seed-0"), g.runs().stream().map(Grid.Run::name).toList());
        assertEquals(List.of(), new RunDir(old).readConfig().differences(g.runs().get(0).config()));
        assertEquals(before, TinyRuns.snapshot(old));
        // the report reads it as the same run
        assertEquals(Report.of(dir.resolve("new")).table(), Report.of(dir.resolve("old")).table());
        assertEquals("| method | linear / " + TinyRuns.DATA + " |\n|---|---|\n| adam gr(r=0.05,alpha=0.8) zero-warmup, LR warmup 1 ep | "
                + String.format(java.util.Locale.ROOT, "%.2f", 100 * r.testError()) + " (1) |\n", Report.of(dir.resolve("old")).table());
    }
}
