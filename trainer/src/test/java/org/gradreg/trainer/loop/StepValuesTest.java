package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every value of a step's StepInfo reaches metrics.jsonl; an optimizer spec with keys trains. */
class StepValuesTest {

    @TempDir
    Path dir;

    @Test
    void samAndGnrValuesAreLoggedEveryStep() throws IOException {
        TrainConfig c = TrainerTest.tiny().with("run.epochs", 1, "optimizer.schedule.warmupEpochs", 0, "optimizer.rule", "adamw:beta1=0.95,eps=1e-6",
                "optimizer.schedule.name", "constant").withEstimator(EstimatorConfig.parse("sam+gnr:rho=0.1,alpha=0.2,sam_rho=0.05"));
        RunResult r = new Trainer(c, dir.resolve("run")).progress(false).run(false);
        assertEquals(RunResult.Status.FINISHED, r.status(), r.message());
        List<JsonNode> steps = TrainerTest.metrics(dir.resolve("run")).stream().filter(n -> n.get("type").asText().equals("step")).toList();
        assertEquals(4, steps.size());
        for (JsonNode s : steps) {
            assertEquals(0.05, s.get("rho").asDouble(), 0.0, s.toString());
            assertEquals(0.1, s.get("gnr_rho").asDouble(), 0.0, s.toString());
            assertEquals(0.2, s.get("gnr_alpha").asDouble(), 0.0, s.toString());
            assertEquals(5, s.get("evals").asInt(), s.toString()); // SAM: 2, GNR: 3 more
            assertTrue(s.get("r").isNull() || Double.isNaN(s.get("r").asDouble()) || s.get("r").asText().equals("NaN"), s.toString());
        }
    }

    /** GSAM's per-step values (ρ_t following the LR, the surrogate gap, cos(g₁, g₂)) reach metrics.jsonl (issue 24). */
    @Test
    void gsamSurrogateGapAndCosineAreLoggedEveryStep() throws IOException {
        TrainConfig c = TrainerTest.tiny().with("run.epochs", 1, "run.batch", 32, "optimizer.schedule.warmupEpochs", 0, "optimizer.rule",
                "sgd:momentum=0.9", "optimizer.lr", 0.05, "optimizer.weightDecay", 0, "optimizer.schedule.name", "constant")
                .withEstimator(EstimatorConfig.parse("gsam:rho=0.05,alpha=0.4"));
        RunResult r = new Trainer(c, dir.resolve("gsam")).progress(false).run(false);
        assertEquals(RunResult.Status.FINISHED, r.status(), r.message());
        List<JsonNode> steps = TrainerTest.metrics(dir.resolve("gsam")).stream().filter(n -> n.get("type").asText().equals("step")).toList();
        assertEquals(4, steps.size());
        for (JsonNode s : steps) {
            assertEquals(0.05, s.get("rho").asDouble(), 1e-15, s.toString()); // a constant LR: ρ_t = ρ
            assertEquals(0.4, s.get("alpha").asDouble(), 0.0, s.toString());
            assertTrue(Double.isFinite(s.get("surrogate_gap").asDouble()) && s.get("surrogate_gap").asDouble() != 0, s.toString());
            double cos = s.get("cos").asDouble();
            assertTrue(cos > -1 && cos <= 1, s.toString());
            assertEquals(2, s.get("evals").asInt(), s.toString());
        }
    }
}
