package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The training loop on tiny models and data: learning, exact resume, divergence handling. */
class TrainerTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    /** A tiny ViT on 8×8 synthetic images, 4 classes, GR with zero-warmup. */
    static TrainConfig tiny() {
        return TrainConfig.defaults().with("model.spec", "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=1,dropout=0.1,attn_dropout=0.1",
                "data.spec", "synthetic:train=128,test=64,classes=4,size=8", "optimizer.rule", "adamw", "optimizer.lr", 3e-3,
                "optimizer.weightDecay", 0.01, "run.batch", 32, "run.epochs", 2, "optimizer.schedule.warmupEpochs", 1,
                "run.labelSmoothing", 0.1, "run.seed", 1, "run.evalBatch", 64).withEstimator(EstimatorConfig.parse("gr:r=0.05,alpha=0.8,warmup=zero"));
    }

    static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve(RunDir.METRICS))) {
            JsonNode n = Json.mapper().readTree(l);
            if (n.has("time_s")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("time_s");
            }
            out.add(n);
        }
        return out;
    }

    /**
     * The trainer builds the model the plan parsed and checks the data it loads against the plan:
     * a plan whose model was parsed for other images (8x8; the data's are 4x4) is refused before
     * anything is written, instead of the model being parsed again from the configuration.
     */
    @Test
    void theTrainerRunsThePlannedModelOnThePlannedData() throws IOException {
        TrainConfig c = TinyRuns.linear("plain", 0);
        RunPlan p = RunPlan.check(c);
        assertEquals(4, p.model().image());
        RunPlan other = new RunPlan(c, p.data(), org.gradreg.trainer.model.Models.parse("linear", 3, 8), p.trainSize(), p.stepsPerEpoch(),
                p.optimizers());
        Path run = dir.resolve("planned");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new Trainer(other, run).progress(false).run(false));
        assertTrue(e.getMessage().contains("3x4x4") && e.getMessage().contains("3x8x8"), e.getMessage());
        assertFalse(Files.exists(run), "nothing written");
        assertEquals(RunResult.Status.FINISHED, new Trainer(p, run).progress(false).run(false).status());
    }

    @Test
    void lossFallsOnTheSyntheticSet() throws IOException {
        TrainConfig c = tiny().with("data.spec", "synthetic:train=256,test=64,classes=4,size=8", "run.epochs", 4,
                "optimizer.schedule.warmupEpochs", 0.5, "optimizer.lr", 1e-2).withEstimator(EstimatorConfig.plain());
        RunResult r = new Trainer(c, dir.resolve("run")).progress(false).run(false);
        assertEquals(RunResult.Status.FINISHED, r.status());
        List<JsonNode> m = metrics(dir.resolve("run"));
        List<JsonNode> epochs = m.stream().filter(n -> n.get("type").asText().equals("epoch")).toList();
        assertEquals(4, epochs.size());
        double first = epochs.get(0).get("train_loss").asDouble();
        double last = epochs.get(3).get("train_loss").asDouble();
        assertTrue(last < first - 0.1, "train loss " + first + " -> " + last);
        assertTrue(r.testError() < 0.65, "test error " + r.testError() + " (chance 0.75)");
        assertTrue(new RunDir(dir.resolve("run")).finished());
        JsonNode step = m.get(0);
        for (String k : new String[] {"loss", "grad_norm", "lr", "r", "alpha", "lambda", "evals"}) {
            assertTrue(step.has(k), k);
        }
    }

    @Test
    void anInterruptedRunResumedGivesTheSameMetricsAndWeights() throws IOException {
        TrainConfig c = tiny().with("run.checkpointEvery", 3); // checkpoints every 3 steps and at epoch ends (4 steps/epoch)
        Path full = dir.resolve("full");
        Path cut = dir.resolve("cut");
        new Trainer(c, full).progress(false).run(false);
        // interrupted after 7 steps: the last checkpoint is at step 6, the line of step 6 was written after it
        RunResult r1 = new Trainer(c, cut).progress(false).stopAfter(7).run(false);
        assertEquals(RunResult.Status.INTERRUPTED, r1.status());
        RunResult r2 = new Trainer(c, cut).progress(false).run(true);
        assertEquals(RunResult.Status.FINISHED, r2.status());
        List<JsonNode> a = metrics(full);
        List<JsonNode> b = metrics(cut);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), "metrics line " + i);
        }
        var ca = Checkpoint.read(full.resolve(RunDir.CHECKPOINT)).arrays();
        var cb = Checkpoint.read(cut.resolve(RunDir.CHECKPOINT)).arrays();
        assertEquals(ca.keySet(), cb.keySet());
        for (String k : ca.keySet()) {
            INDArray x = ca.get(k);
            assertEquals(x, cb.get(k), k);
        }
        // a finished run resumed again does nothing
        assertEquals(RunResult.Status.FINISHED, new Trainer(c, cut).progress(false).run(true).status());
    }

    /** The same for the batch-norm models: their running statistics travel in the checkpoint. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18:width=2,blocks=1", "cnn-small:width=2"})
    void aResumedBatchNormRunGivesTheSameMetricsAndStatistics(String model) throws IOException {
        TrainConfig c = tiny().with("model.spec", model, "run.checkpointEvery", 3)
                .withEstimator(EstimatorConfig.parse("sam:rho=0.05"));
        Path full = dir.resolve("bn-full-" + model.replace(':', '_'));
        Path cut = dir.resolve("bn-cut-" + model.replace(':', '_'));
        new Trainer(c, full).progress(false).run(false);
        new Trainer(c, cut).progress(false).stopAfter(5).run(false);
        new Trainer(c, cut).progress(false).run(true);
        assertEquals(metrics(full), metrics(cut));
        var ca = Checkpoint.read(full.resolve(RunDir.CHECKPOINT)).arrays();
        var cb = Checkpoint.read(cut.resolve(RunDir.CHECKPOINT)).arrays();
        assertTrue(ca.keySet().stream().anyMatch(k -> k.startsWith("bn/")), ca.keySet().toString());
        for (String k : ca.keySet()) {
            assertEquals(ca.get(k), cb.get(k), k);
        }
    }

    @Test
    void aDivergingRunStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws IOException {
        TrainConfig c = tiny().with("optimizer.rule", "sgd", "optimizer.lr", 1e30, "optimizer.weightDecay", 0, "optimizer.schedule.name", "constant",
                "optimizer.schedule.warmupEpochs", 0, "optimizer.clip", 0, "run.labelSmoothing", 0, "data.augment", false, "run.checkpointEvery", 1)
                .withEstimator(EstimatorConfig.plain());
        Path run = dir.resolve("nan");
        RunResult r = new Trainer(c, run).progress(false).run(false);
        assertEquals(RunResult.Status.DIVERGED, r.status());
        assertTrue(r.message().contains("non-finite") && r.message().contains("checkpoint"), r.message());
        assertFalse(new RunDir(run).finished());
        assertTrue(Files.exists(run.resolve(RunDir.CHECKPOINT)));
        var meta = Checkpoint.read(run.resolve(RunDir.CHECKPOINT)).meta();
        assertTrue(meta.step() >= 1 && meta.step() <= r.steps(), "checkpoint at step " + meta.step() + ", stopped at " + r.steps());
        List<JsonNode> m = metrics(run);
        assertEquals("diverged", m.get(m.size() - 1).get("type").asText());
    }
}
