package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.Grid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every grid spec of examples/ as the previous version wrote it (test resources legacy/) expands to
 * the same runs, and its report section selects the same runs, as the spec in setting paths that
 * replaced it.
 */
class LegacySpecsTest {

    static JsonNode legacy(String name) throws Exception {
        try (InputStream in = LegacySpecsTest.class.getResourceAsStream("/legacy/" + name)) {
            return Json.mapper().readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-adams.json", "fmnist-agr.json", "fmnist-gr-alpha.json", "fmnist-harmful-gr.json", "fmnist-sam-gr-gnr.json",
        "harmful-gr-table1.json", "tiny-grid.json"})
    void anOldSpecIsTheSameExperimentAsItsReplacement(String name) throws Exception {
        JsonNode old = legacy(name);
        JsonNode now = Grid.readTree(Path.of("..", "examples", name));
        List<TrainConfig> a = Grid.parse(old, "old " + name).runs().stream().map(Grid.Run::config).toList();
        List<TrainConfig> b = Grid.parse(now, name).runs().stream().map(Grid.Run::config).toList();
        assertEquals(a, b, name);
        assertEquals(old.path("description"), now.path("description"));
        ReportSpec ra = ReportSpec.parse(old.get("report"), "old " + name);
        ReportSpec rb = ReportSpec.parse(now.get("report"), name);
        assertEquals(ra.x(), rb.x());
        assertEquals(ra.panels(), rb.panels());
        List<Map<String, Object>> runs = a.stream().map(Settings::of).toList();
        assertEquals(ra.compare().size(), rb.compare().size());
        for (int i = 0; i < ra.compare().size(); i++) {
            assertSameRuns(runs, ra.compare().get(i), rb.compare().get(i));
        }
        assertEquals(ra.claims().size(), rb.claims().size());
        for (int i = 0; i < ra.claims().size(); i++) {
            ReportSpec.Claim x = ra.claims().get(i);
            ReportSpec.Claim y = rb.claims().get(i);
            assertEquals(List.of(x.id(), x.claim(), x.paper(), x.metric(), x.expect()), List.of(y.id(), y.claim(), y.paper(), y.metric(), y.expect()));
            assertSameRuns(runs, x.compare(), y.compare());
            assertSameRuns(runs, x.against(), y.against());
        }
    }

    private static void assertSameRuns(List<Map<String, Object>> runs, ReportSpec.Selector old, ReportSpec.Selector now) {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            if (old.matches(runs.get(r))) {
                a.add(r);
            }
            if (now.matches(runs.get(r))) {
                b.add(r);
            }
        }
        assertFalse(a.isEmpty(), old + " selects no run");
        assertEquals(a, b, old + " vs " + now);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"base\": {\"model\": \"linear\", \"optimizer.lr\": 0.1}}", "{\"base\": {\"run.epochs\": 2}, \"axes\": {\"seed\": [0, 1]}}"})
    void aSpecMixingTheTwoFormsSaysWhatToChange(String spec) {
        BadInput e = assertThrows(BadInput.class, () -> Grid.parse(Json.mapper().readTree(spec), "mixed.json"));
        assertTrue(e.getMessage().startsWith("grid spec mixed.json mixes the flat field names") && e.getMessage().contains("write every setting as a path"),
                e.getMessage());
    }
}
