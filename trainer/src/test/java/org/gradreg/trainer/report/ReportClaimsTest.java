package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The t half-width against SciPy, the report spec's checks, and claims with verdicts over real tiny runs. */
class ReportClaimsTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void halfWidthOfAMeansTInterval() {
        // scipy.stats.t.ppf(0.975, 2) * std(x, ddof=1) / sqrt(3)
        assertEquals(3.1060000752151407, Stats.halfWidth(new double[] {12.0, 14.5, 13.2}), 1e-9);
    }

    @Test
    void verdictsFollowHolmAdjustedPairedTestsTheClaimedSideAndTheDesignsSize() {
        // d = {−1, −1.5, −0.5, −2} (the hand-worked sample of PairedStatisticsTest, negated): p_t = 0.0305, detectable 1.343
        Paired below = Paired.of(new double[] {9.0, 10.5, 10.5, 11.0}, new double[] {10.0, 12.0, 11.0, 13.0});
        assertEquals("effect seen", Claims.verdict(below, 0.0305, -1, Double.NaN, null));
        assertEquals("opposite effect", Claims.verdict(below, 0.0305, 1, Double.NaN, null));
        // the same test after Holm over 2 comparisons (0.061): not seen, with the size the design could see
        assertEquals("not seen (detectable: |Δ| ≥ 1.34)", Claims.verdict(below, 0.061, -1, Double.NaN, null));
        // the paper's effect is smaller than what 4 seeds of this spread can detect
        assertEquals("design too small to judge (detects |Δ| ≥ 1.34; the paper's effect is 0.3)", Claims.verdict(below, 0.0305, -1, 0.3, null));
        assertEquals("effect seen", Claims.verdict(below, 0.0305, -1, 1.5, null));
        Paired two = Paired.of(new double[] {1, 2}, new double[] {3, 5});
        assertTrue(Claims.verdict(two, 0.001, -1, Double.NaN, null).startsWith("design too small to judge (2 paired seeds"));
        assertEquals("no verdict: x did not train", Claims.verdict(below, 0.0305, -1, Double.NaN, "x did not train"));
    }

    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void badReportSectionsAreOneLineErrorsNamingTheSpec() throws Exception {
        String[][] cases = {
            {"{\"colour\": 1}", "unknown key 'colour'"},
            {"{\"compare\": [\"estimator.name\"]}", "must be setting=value"},
            {"{\"compare\": [\"optimiser=adam\"]}", "unknown setting 'optimiser'"},
            {"{\"compare\": [\"estimator.alhpa=0.8\"]}", "unknown setting 'estimator.alhpa'"},
            {"{\"x\": \"beta1\"}", "x 'beta1' is not a setting"},
            {"{\"claims\": [{\"id\": \"X\", \"claim\": \"c\", \"compare\": \"estimator=gr\", \"against\": \"estimator=plain\", \"metric\": \"accuracy\", \"expect\": \"lower\"}]}",
                "unknown metric 'accuracy'"},
            {"{\"claims\": [{\"id\": \"X\", \"claim\": \"c\", \"compare\": \"estimator=gr\", \"against\": \"estimator=plain\", \"expect\": \"better\"}]}",
                "expect must be lower or higher"},
            {"{\"claims\": [{\"id\": \"X\", \"compare\": \"estimator=gr\"}]}", "needs id, claim, compare and against"},
            {"{\"panels\": [\"colour\"]}", "panel 'colour' is not a setting"},
        };
        for (String[] c : cases) {
            BadInput e = assertThrows(BadInput.class, () -> ReportSpec.parse(json(c[0]), "grid spec x.json"), c[0]);
            assertTrue(e.getMessage().startsWith("grid spec x.json: report") && e.getMessage().contains(c[1]) && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
    }

    @Test
    void claimsComparePairedSettingsWithinEachPanelAndWriteVerdicts() throws Exception {
        // two optimizers (panels) × plain / GR × three seeds of a tiny softmax regression
        for (String opt : List.of("adam", "rmsprop")) {
            for (String est : List.of("plain", "gr")) {
                for (long seed = 0; seed < 3; seed++) {
                    TrainConfig c = TinyRuns.linear(est.equals("gr") ? "gr:r=0.05,alpha=0.8" : est, seed).with("optimizer.rule", opt);
                    new Trainer(c, dir.resolve("runs/" + opt + "-" + est + "-" + seed)).progress(false).run(false);
                }
            }
        }
        ReportSpec spec = ReportSpec.parse(json("{\"panels\": [\"optimizer.rule\"], \"compare\": [\"estimator.name=plain\"], \"claims\": ["
                + "{\"id\": \"T1\", \"claim\": \"GR lowers the warmup gradient norm\", \"paper\": \"Fig. 2\", \"compare\": \"estimator.name=gr\","
                + " \"against\": \"estimator.name=plain\", \"metric\": \"warmup_grad_norm\", \"expect\": \"lower\"},"
                + "{\"id\": \"T2\", \"claim\": \"nothing ran\", \"compare\": \"estimator.name=gnr\", \"against\": \"estimator.name=plain\", \"expect\": \"lower\"}]}"), "t");
        Report rep = Report.of(dir.resolve("runs"), spec);
        List<ClaimOutcome> claims = rep.claims();
        assertEquals(3, claims.size(), claims.toString()); // T1 in each optimizer's panel, T2 not run
        for (ClaimOutcome o : claims.subList(0, 2)) {
            assertEquals(o.compared().settings().get("optimizer.rule"), o.against().settings().get("optimizer.rule"), "paired within a panel");
            assertEquals("gr", o.compared().settings().get("estimator.name"));
            assertEquals("plain", o.against().settings().get("estimator.name"));
            // the warmup mean recomputed from the metrics files: the first warmup-epoch's steps (1 epoch of 4 steps)
            double[] want = new double[3];
            for (int s = 0; s < 3; s++) {
                List<String> lines = Files.readAllLines(dir.resolve("runs/" + o.compared().settings().get("optimizer.rule") + "-gr-" + s + "/" + RunDir.METRICS));
                double sum = 0;
                int n = 0;
                for (String l : lines) {
                    JsonNode j = json(l);
                    if (j.path("type").asText().equals("step") && j.path("epoch").asInt() == 0) {
                        sum += j.path("grad_norm").asDouble();
                        n++;
                    }
                }
                want[s] = sum / n;
            }
            java.util.Arrays.sort(want);
            double[] got = o.compared().metric("warmup_grad_norm").clone();
            java.util.Arrays.sort(got);
            for (int s = 0; s < 3; s++) {
                assertEquals(want[s], got[s], 1e-12);
            }
            assertEquals(3, o.test().n(), "three paired seeds");
            assertEquals(2, o.family(), "Holm over the two tests the table makes");
        }
        assertTrue(claims.get(2).verdict().startsWith("not run"));
        assertEquals(1, claims.get(0).compared().stepPsiVars().size() > 0 ? 1 : 0, "Adam's Var(ψ) is read from the metrics");
        Path out = dir.resolve("report");
        rep.write(out, "preamble line");
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("preamble line") && md.contains("T1: GR lowers") && md.contains("paired-t 95% interval")
                && md.contains("Holm's correction over the 2 tests"), md);
        assertTrue(md.contains("![test error per epoch, "), "the per-epoch test error curve is in the report");
        JsonNode written = Json.mapper().readTree(out.resolve("claims.json").toFile());
        assertEquals(3, written.size());
        for (String f : List.of("grad-norm-1.png", "grad-norm-2.png", "test-error-1.png", "test-error-2.png", "loss-1.png", "psi-var-1.png", "schedules-1.png", "report.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 500, f);
        }
        // the index of every report's claims
        Files.createDirectories(dir.resolve("results"));
        Files.move(out, dir.resolve("results/tiny"));
        String index = Files.readString(ResultsIndex.write(dir.resolve("results")));
        assertTrue(index.contains("[tiny](tiny/report.md)") && index.contains("T1: GR lowers") && index.contains("of 3 comparisons"), index);
        assertThrows(BadInput.class, () -> ResultsIndex.write(dir.resolve("runs")));
    }
}
