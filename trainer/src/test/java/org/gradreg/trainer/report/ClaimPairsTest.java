package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.loop.Grid;
import org.junit.jupiter.api.Test;

/**
 * A claim whose selectors pair no two settings of its grid is refused before the runs: the
 * registered fmnist-vit-swd.json named only the update rule while its axis set the rule and the
 * weight decay together, so its report found no comparison after six runs.
 */
class ClaimPairsTest {

    private static List<Map<String, Object>> settings(JsonNode root, String where) {
        return Grid.parse(root, where).runs().stream().map(r -> Settings.of(r.config())).toList();
    }

    @Test
    void theRegisteredSwdSpecPairsNothingAndNamesTheWeightDecay() throws Exception {
        JsonNode root = Grid.readTree(Path.of("..", "examples", "fmnist-vit-swd.json"));
        ReportSpec spec = ReportSpec.parse(root.get("report"), "s");
        List<Map<String, Object>> runs = settings(root, "s");
        assertEquals(6, runs.size());
        BadInput e = assertThrows(BadInput.class, () -> spec.checkPairs(runs, "s"));
        assertEquals("s: report: claim S1 compares no two settings of this grid: the settings matching 'optimizer.rule adams' and "
                + "'optimizer.rule adamw' also differ in optimizer.weightDecay (5.0E-4 against 0.5); name it in the against selector", e.getMessage());
        // naming the weight decay on the against side pairs them
        ObjectNode fixed = (ObjectNode) root.deepCopy();
        for (JsonNode c : fixed.get("report").get("claims")) {
            ((ObjectNode) c).put("against", "optimizer.rule=adamw;optimizer.weightDecay=0.5");
        }
        ReportSpec.parse(fixed.get("report"), "s").checkPairs(runs, "s");
        // a selector that matches no setting at all
        ((ObjectNode) fixed.get("report").get("claims").get(0)).put("compare", "optimizer.rule=sgd");
        BadInput none = assertThrows(BadInput.class, () -> ReportSpec.parse(fixed.get("report"), "s").checkPairs(runs, "s"));
        assertEquals("s: report: claim S1 compares no two settings of this grid: no setting matches compare 'optimizer.rule sgd'", none.getMessage());
    }

    @Test
    void everyOtherGridSpecOfExamplesPairsEachClaim() throws Exception {
        List<String> checked = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("..", "examples"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = Grid.readTree(p);
                if (AnalysisSpec.is(root) || p.getFileName().toString().equals("fmnist-vit-swd.json")) {
                    continue;
                }
                ReportSpec spec = ReportSpec.parse(root.get("report"), p.toString());
                spec.checkPairs(settings(root, p.toString()), p.toString());
                if (!spec.claims().isEmpty()) {
                    checked.add(p.getFileName().toString());
                }
            }
        }
        assertTrue(checked.contains("fmnist-cnn-gr-alpha.json") && checked.contains("fmnist-vit-harmful-gr.json") && checked.size() >= 8,
                checked.toString());
    }

    @Test
    void unpairedIsNullWhenAPairExists() {
        ReportSpec.Claim c = new ReportSpec.Claim("X", "c", "", ReportSpec.Selector.parse("estimator.name=gr", "t"),
                ReportSpec.Selector.parse("estimator.name=plain", "t"), "test_error", -1, Double.NaN, false);
        assertNull(ReportSpec.unpaired(c, List.of(Map.of("estimator.name", "gr", "run.seed", 0L), Map.of("estimator.name", "plain", "run.seed", 1L))));
    }
}
