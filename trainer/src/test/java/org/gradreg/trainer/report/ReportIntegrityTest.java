package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 13 and issue 21 item 1's gate over real tiny runs: conflicting repeats are flagged
 * (not dropped), diverged and unfinished runs are counted per setting, report.csv's columns are
 * unique, and a setting outside the spec's baseline band gets no verdict.
 */
class ReportIntegrityTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    Path runs;

    /** plain and GR, seeds 0-2, tiny softmax regression. */
    @BeforeEach
    void runs() throws Exception {
        runs = dir.resolve("runs");
        for (String est : List.of("plain", "gr")) {
            for (long seed = 0; seed < 3; seed++) {
                new Trainer(TinyRuns.linear(est.equals("gr") ? "gr:r=0.05,alpha=0.8" : est, seed), runs.resolve(est + "-" + seed)).progress(false)
                        .run(false);
            }
        }
    }

    private static ReportSpec spec(String gate) throws Exception {
        return ReportSpec.parse(Json.mapper().readTree("{\"compare\": [\"estimator.name=plain\"], \"claims\": [{\"id\": \"T1\", \"claim\": "
                + "\"GR lowers test error\", \"compare\": \"estimator.name=gr\", \"against\": \"estimator.name=plain\", \"expect\": \"lower\"}]"
                + (gate == null ? "" : ", \"gate\": " + gate) + "}"), "t");
    }

    private static Group gr(Report r) {
        return r.groups().stream().filter(g -> "gr".equals(g.settings().get("estimator.name"))).findFirst().orElseThrow();
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    @Test
    void aRepeatWithAnotherResultIsAConflictAndItsSettingGetsNoVerdict() throws Exception {
        Report before = Report.of(runs, spec(null));
        assertFalse(before.claims().get(0).verdict().startsWith("no verdict"), before.claims().get(0).verdict());
        // an identical repeat is counted once, with a warning
        copy(runs.resolve("gr-0"), runs.resolve("zz-gr-0-again"));
        Report same = Report.of(runs, spec(null));
        assertEquals(6, same.runCount());
        assertTrue(same.warnings().stream().anyMatch(w -> w.contains("zz-gr-0-again repeats seed 0") && w.contains("same result")), same.warnings().toString());
        assertTrue(gr(same).conflicts().isEmpty());
        // a repeat of seed 1 with another test error: a conflict, on the group, in the warnings, the row and the verdict
        Path other = runs.resolve("zz-gr-1-other");
        copy(runs.resolve("gr-1"), other);
        RunResult r = new RunDir(other).readResult();
        new RunDir(other).writeResult(new RunResult(r.status(), r.steps(), r.trainLoss(), r.trainError(), r.testLoss(), r.testError() + 0.125, r.message()));
        Report rep = Report.of(runs, spec(null));
        assertEquals(6, rep.runCount());
        assertEquals(1, gr(rep).conflicts().size());
        assertTrue(rep.warnings().stream().anyMatch(w -> w.startsWith("report: conflict: seed 1 run twice with different results")), rep.warnings().toString());
        assertEquals("no verdict: " + gr(rep).row() + " has conflicting repeats of a seed", rep.claims().get(0).verdict());
        assertTrue(rep.table().contains("**conflict**: 1 seed(s)"), rep.table());
    }

    @Test
    void divergedAndUnfinishedRunsAreCountedOnTheirSettingAndTheCsvHasUniqueColumns() throws Exception {
        // seed 3 of GR stops early (unfinished); seed 4 stops and its metrics record a divergence
        new Trainer(TinyRuns.linear("gr:r=0.05,alpha=0.8", 3), runs.resolve("gr-3")).progress(false).stopAfter(2).run(false);
        new Trainer(TinyRuns.linear("gr:r=0.05,alpha=0.8", 4), runs.resolve("gr-4")).progress(false).stopAfter(2).run(false);
        Files.writeString(runs.resolve("gr-4").resolve(RunDir.METRICS), "{\"type\":\"diverged\",\"step\":2,\"message\":\"loss exploded\"}\n",
                StandardOpenOption.APPEND);
        Report rep = Report.of(runs, spec(null));
        Group g = gr(rep);
        assertEquals(3, g.counted());
        assertEquals(5, g.total());
        assertEquals(Map.of("diverged", 1, "unfinished", 1), g.leftOut());
        assertEquals("1 of 5 diverged; 1 of 5 unfinished", g.leftOutText());
        assertTrue(rep.table().contains("(3) (1 of 5 diverged; 1 of 5 unfinished)"), rep.table());
        Path out = dir.resolve("report");
        rep.write(out);
        try (CSVParser p = CSVParser.parse(out.resolve("report.csv"), java.nio.charset.StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().build())) {
            List<String> header = p.getHeaderNames();
            assertEquals(header.size(), new HashSet<>(header).size(), "unique column names: " + header);
            var recs = p.getRecords();
            var grRec = recs.stream().filter(x -> x.get("method").equals(g.row())).findFirst().orElseThrow();
            assertEquals("3", grRec.get("seeds"));
            assertEquals("5", grRec.get("runs"));
            assertEquals("1", grRec.get("diverged"));
            assertEquals("1", grRec.get("unfinished"));
        }
        // a setting whose every run diverged still has its row
        Files.move(runs.resolve("gr-4"), dir.resolve("gr-4"));
        for (int s = 0; s < 3; s++) {
            Path p = runs.resolve("plain-" + s);
            Files.delete(p.resolve(RunDir.RESULT));
            Files.writeString(p.resolve(RunDir.METRICS), "{\"type\":\"diverged\",\"step\":9,\"message\":\"x\"}\n", StandardOpenOption.APPEND);
        }
        Report all = Report.of(runs, spec(null));
        assertTrue(all.table().contains("– (3 of 3 diverged)"), all.table());
        all.write(dir.resolve("report2")); // figures draw only settings with a finished run
        assertTrue(all.claims().get(0).verdict().startsWith("design too small"), all.claims().get(0).verdict());
    }

    @Test
    void settingsOutsideTheBaselineBandGetNoVerdict() throws Exception {
        double[][] err = new double[2][3];
        for (int s = 0; s < 3; s++) {
            err[0][s] = 100 * new RunDir(runs.resolve("plain-" + s)).readResult().testError();
            err[1][s] = 100 * new RunDir(runs.resolve("gr-" + s)).readResult().testError();
        }
        double worst = Math.max(Math.max(err[1][0], err[1][1]), Math.max(err[1][2], Math.max(err[0][0], Math.max(err[0][1], err[0][2]))));
        double best = Math.min(Math.min(err[1][0], err[1][1]), Math.min(err[1][2], Math.min(err[0][0], Math.min(err[0][1], err[0][2]))));
        // a band every run reaches: verdicts as without a gate
        Report in = Report.of(runs, spec("{\"max_test_error\": " + (worst + 0.01) + "}"));
        assertTrue(in.standings().values().stream().allMatch(Gate.Standing::trained), in.standings().toString());
        assertFalse(in.claims().get(0).verdict().startsWith("no verdict"));
        // a band no run reaches (min_test_accuracy above every run's accuracy)
        Report out = Report.of(runs, spec("{\"min_test_accuracy\": " + (100 - best + 0.01) + "}"));
        assertTrue(out.standings().values().stream().noneMatch(Gate.Standing::trained), out.standings().toString());
        assertEquals("no verdict: " + gr(out).row() + " did not train: 0 of 3 runs at ≤ " + Text.number(best - 0.01) + " % test error",
                out.claims().get(0).verdict());
        out.write(dir.resolve("gated"));
        String md = Files.readString(dir.resolve("gated/report.md"));
        assertTrue(md.contains("## Did the models train?") && md.contains("(no verdict)"), md);
        // better than a reference setting: GR against plain's mean, recomputed here
        double plainMean = (err[0][0] + err[0][1] + err[0][2]) / 3;
        long below = java.util.Arrays.stream(err[1]).filter(e -> e < plainMean).count();
        Report ref = Report.of(runs, spec("{\"better_than\": \"estimator.name=plain\"}"));
        Gate.Standing s = ref.standings().get(gr(ref));
        assertEquals(below == 3, s.trained(), s.text());
        assertTrue(s.text().contains(below + " of 3 runs below the reference's " + String.format(java.util.Locale.ROOT, "%.2f", plainMean)), s.text());
        // the spec's gate is checked like the rest of the report section
        for (String bad : List.of("{}", "{\"max_test_error\": 120}", "{\"min_accuracy\": 80}", "{\"max_test_error\": 10, \"min_test_accuracy\": 90}",
                "{\"better_than\": \"modle=linear\"}")) {
            BadInput e = assertThrows(BadInput.class, () -> spec(bad), bad);
            assertTrue(e.getMessage().startsWith("t: report: gate") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aClaimThatASettingHarmsTrainingGatesOnlyTheSettingComparedAgainst() throws Exception {
        // every GR run made to end at 95 % test error: outside a 90 % band, while plain is inside it
        for (int s = 0; s < 3; s++) {
            Path r = runs.resolve("gr-" + s).resolve(RunDir.RESULT);
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(r.toFile());
            n.put("testError", 0.95);
            Files.writeString(r, Json.mapper().writeValueAsString(n));
            assertTrue(100 * new RunDir(runs.resolve("plain-" + s)).readResult().testError() < 90);
        }
        String claim = "{\"id\": \"%s\", \"claim\": \"c\", \"compare\": \"estimator.name=%s\", \"against\": \"estimator.name=%s\", "
                + "\"expect\": \"%s\"%s}";
        ReportSpec s = ReportSpec.parse(Json.mapper().readTree("{\"claims\": ["
                + String.format(claim, "T1", "gr", "plain", "lower", "") + ", "
                + String.format(claim, "T2", "gr", "plain", "higher", ", \"gate\": \"against\"") + ", "
                + String.format(claim, "T3", "plain", "gr", "lower", ", \"gate\": \"against\"") + ", "
                + String.format(claim, "T4", "gr", "plain", "higher", ", \"gate\": \"both\"")
                + "], \"gate\": {\"max_test_error\": 90}}"), "t");
        Report rep = Report.of(runs, s);
        List<ClaimOutcome> c = rep.claims();
        String grFails = "no verdict: " + gr(rep).row() + " did not train: 0 of 3 runs at ≤ 90 % test error";
        assertEquals(grFails, c.get(0).verdict());
        assertFalse(c.get(1).verdict().startsWith("no verdict"), c.get(1).verdict()); // only plain is gated, and it trained
        assertEquals(grFails, c.get(2).verdict()); // GR is the setting compared against here
        assertEquals(grFails, c.get(3).verdict());
        rep.write(dir.resolve("harm"));
        JsonNode json = Json.mapper().readTree(dir.resolve("harm/claims.json").toFile());
        assertEquals(List.of("both", "against", "against", "both"), List.of(json.get(0).path("gate").asText(), json.get(1).path("gate").asText(),
                json.get(2).path("gate").asText(), json.get(3).path("gate").asText()));
        assertTrue(Files.readString(dir.resolve("harm/report.md")).contains("(gate: only the setting compared against must be in the band)"));
        BadInput e = assertThrows(BadInput.class, () -> ReportSpec.parse(Json.mapper().readTree("{\"claims\": ["
                + String.format(claim, "T5", "gr", "plain", "higher", ", \"gate\": \"compared\"") + "]}"), "t"));
        assertTrue(e.getMessage().startsWith("t: report: claim T5: gate must be both or against") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void eachPairIsComparedOnceAndCountedOnceInTheHolmFamily() throws Exception {
        // the second selector makes the mirror of the first's pair (GR vs plain, then plain vs GR)
        ReportSpec s = ReportSpec.parse(Json.mapper().readTree("{\"compare\": [\"estimator.name=plain\", \"estimator.name=gr\"]}"), "t");
        List<Comparison> c = Report.of(runs, s).comparisons();
        assertEquals(1, c.size(), c.toString());
        assertEquals(1, c.get(0).family());
        assertEquals("gr", c.get(0).compared().settings().get("estimator.name"));
    }

    @Test
    void aClaimsPaperEffectIsCheckedAndWrittenToClaimsJson() throws Exception {
        ReportSpec s = ReportSpec.parse(Json.mapper().readTree("{\"claims\": [{\"id\": \"T1\", \"claim\": \"c\", \"compare\": \"estimator.name=gr\", "
                + "\"against\": \"estimator.name=plain\", \"expect\": \"lower\", \"effect\": 1e-9}]}"), "t");
        Report rep = Report.of(runs, s);
        ClaimOutcome o = rep.claims().get(0);
        assertTrue(o.verdict().startsWith("design too small to judge (detects") || o.test().detectable() == 0, o.verdict());
        rep.write(dir.resolve("r"));
        JsonNode c = Json.mapper().readTree(dir.resolve("r/claims.json").toFile()).get(0);
        assertEquals(1e-9, c.path("paper_effect").asDouble(), 0);
        assertEquals(3, c.path("paired_seeds").asInt());
        assertEquals(1, c.path("holm_family").asInt());
        assertTrue(c.has("p_permutation") && c.has("detectable_effect"), c.toString());
        assertThrows(BadInput.class, () -> ReportSpec.parse(Json.mapper().readTree("{\"claims\": [{\"id\": \"T1\", \"claim\": \"c\", \"compare\": "
                + "\"estimator.name=gr\", \"against\": \"estimator.name=plain\", \"expect\": \"lower\", \"effect\": -1}]}"), "t"));
    }
}
