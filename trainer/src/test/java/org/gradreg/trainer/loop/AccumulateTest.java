package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --accumulate K} through the whole training loop: the same run as one batch per step (no dropout, no batch norm). */
class AccumulateTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void accumulatedRunEqualsTheFullBatchRun() throws IOException {
        TrainConfig base = TrainerTest.tiny().with("model.spec", "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=1,dropout=0,attn_dropout=0",
                "model.dtype", "double").withEstimator(EstimatorConfig.parse("sam:rho=0.05"));
        new Trainer(base, dir.resolve("one")).progress(false).run(false);
        new Trainer(base.with("run.accumulate", 4), dir.resolve("four")).progress(false).run(false);
        List<JsonNode> a = TrainerTest.metrics(dir.resolve("one"));
        List<JsonNode> b = TrainerTest.metrics(dir.resolve("four"));
        assertEquals(a.size(), b.size());
        int steps = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).get("type").asText().equals("step")) {
                assertEquals(a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 1e-12, "step " + i);
                assertEquals(a.get(i).get("grad_norm").asDouble(), b.get(i).get("grad_norm").asDouble(), 1e-12, "step " + i);
                steps++;
            }
        }
        assertTrue(steps > 4, "compared " + steps + " steps");
    }

    @Test
    void aBatchThatDoesNotSplitIsRefused() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> TrainerTest.tiny().with("run.accumulate", 3));
        assertTrue(x.getMessage().contains("cannot be split into 3"), x.getMessage());
    }
}
