package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.gradreg.trainer.Json;
import org.junit.jupiter.api.Test;

class GridTest {

    static final String SPEC = """
            { "base": { "model": "vit-ti", "dataset": "cifar10", "epochs": 300, "batch": 256, "optimizer": "adam", "weightDecay": 0.03 },
              "axes": { "model": ["vit-ti", "vit-s", "vit-b"],
                        "warmupEpochs": [20, 40, 80],
                        "method": [ {"estimator": "plain"},
                                    {"estimator": "gr", "estimatorSpec": "r=0.1,alpha=0.8"},
                                    {"estimator": "gr", "estimatorSpec": "r=0.1,alpha=0.8", "grWarmup": "zero"} ],
                        "seed": [0, 1, 2, 3, 4] } }
            """;

    static Grid grid(String json) throws Exception {
        JsonNode n = Json.mapper().readTree(json);
        return Grid.parse(n, "test");
    }

    @Test
    void expandsTheCartesianProductWithDistinctNamesAndTheAxisValues() throws Exception {
        Grid g = grid(SPEC);
        assertEquals(3 * 3 * 3 * 5, g.runs().size());
        Set<String> names = new HashSet<>();
        Set<String> configs = new HashSet<>();
        for (Grid.Run r : g.runs()) {
            assertTrue(names.add(r.name()), r.name());
            assertTrue(configs.add(r.config().toString()), r.config().toString());
            assertEquals(300, r.config().run().epochs());
            assertEquals("adam", r.config().optimizer().rule());
        }
        Grid.Run last = g.runs().get(g.runs().size() - 1);
        assertEquals("vit-b", last.config().model().spec());
        assertEquals(80.0, last.config().optimizer().schedule().warmupEpochs());
        assertEquals("zero", last.config().estimator().keys().get("warmup"));
        assertEquals(4, last.config().run().seed());
        assertEquals("model-vit-b_warmupEpochs-80_method-gr-r=0.1,alpha=0.8-zero_seed-4", last.name());
    }

    /** The check plans every run and hands the plans over (the trainer takes them instead of planning again). */
    @Test
    void theCheckReturnsEachRunsPlan() throws Exception {
        Grid g = grid("""
                { "base": { "model": "linear", "dataset": "synthetic:train=64,test=32,classes=3,size=4", "epochs": 2, "batch": 16 },
                  "axes": { "batch": [16, 32], "seed": [0, 1] } }
                """);
        java.util.Map<Grid.Run, RunPlan> plans = g.check();
        assertEquals(g.runs(), List.copyOf(plans.keySet()));
        for (Grid.Run r : g.runs()) {
            RunPlan p = plans.get(r);
            assertEquals(r.config(), p.config());
            assertEquals(64 / r.config().run().batch(), p.stepsPerEpoch());
            assertEquals(4, p.model().image());
        }
    }

    @Test
    void shardsCoverEveryRunExactlyOnce() throws Exception {
        Grid g = grid(SPEC);
        for (int n : new int[] {1, 2, 7, 16, 135, 200}) {
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                g.shard(i, n).forEach(r -> seen.add(r.index()));
            }
            seen.sort(null);
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < g.runs().size(); i++) {
                all.add(i);
            }
            assertEquals(all, seen, "n = " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> g.shard(16, 16));
    }

    @Test
    void badSpecsNameTheField() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> grid("{\"axes\": {\"lerning_rate\": [0.1]}}"));
        assertTrue(e.getMessage().contains("lerning_rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> grid("{\"axes\": {\"batch\": [0]}}"));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> grid("{\"axes\": {\"seed\": []}}"));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }
}
