package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-coordinate Var(ψ) probes in the report: the warmup metrics are the means over the warmup's
 * probes of the values in metrics.jsonl (read here with Jackson, not through the report's reader),
 * and the probe figure is drawn for runs that have probes and only for them.
 */
class ProbeReportTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void warmupProbeMetricsAreTheMeansOfTheProbeLinesAndTheFigureIsDrawn() throws Exception {
        for (long s = 0; s < 2; s++) {
            new Trainer(TinyRuns.linear("plain", s).with("optimizer.schedule.warmupEpochs", 2, "measure.psiEvery", 2, "measure.psiBatches", 3),
                    dir.resolve("probed-" + s)).progress(false).run(false);
        }
        Report rep = Report.of(dir);
        assertEquals(1, rep.groups().size());
        Group g = rep.groups().get(0);
        assertEquals(2, g.probes().size());
        ObjectMapper json = new ObjectMapper();
        for (long s = 0; s < 2; s++) {
            List<JsonNode> steps = new ArrayList<>();
            List<JsonNode> probes = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("probed-" + s).resolve("metrics.jsonl"))) {
                JsonNode n = json.readTree(line);
                if (n.path("type").asText().equals("step") && n.path("epoch").asInt() == 0) {
                    steps.add(n);
                } else if (n.path("type").asText().equals("psi_probe")) {
                    probes.add(n);
                }
            }
            long warm = 2L * steps.size();
            double var = 0;
            double cv2 = 0;
            int k = 0;
            for (JsonNode p : probes) {
                if (p.path("step").asLong() <= warm) {
                    var += p.path("median_log10_var").asDouble();
                    cv2 += p.path("median_log10_cv2").asDouble();
                    k++;
                }
            }
            assertTrue(k >= 2, "probes in the warmup: " + k);
            Map<String, Double> m = g.bySeed().get(s);
            assertEquals(var / k, m.get("warmup_psi_var_per_coordinate"), 1e-12);
            assertEquals(cv2 / k, m.get("warmup_psi_cv2_per_coordinate"), 1e-12);
        }
        rep.write(dir.resolve("report"));
        String md = Files.readString(dir.resolve("report/report.md"));
        assertTrue(md.contains("psi-probes-1.png") && Files.size(dir.resolve("report/psi-probes-1.png")) > 1000, md);
        assertTrue(md.contains("Var(ψᵢ)/mean(ψᵢ)²"), md);
    }

    @Test
    void runsWithoutProbesGetNoProbeFigure() throws Exception {
        new Trainer(TinyRuns.linear("plain", 0), dir.resolve("plain")).progress(false).run(false);
        Report rep = Report.of(dir);
        assertTrue(rep.groups().get(0).probes().isEmpty());
        rep.write(dir.resolve("report"));
        assertFalse(Files.exists(dir.resolve("report/psi-probes-1.png")));
        assertFalse(Files.readString(dir.resolve("report/report.md")).contains("psi-probes"));
    }

    @Test
    void probeCurvesAverageSeedsProbeByProbeUpToTheShortestSeed() {
        List<List<Metrics.PsiProbe>> seeds = List.of(
                List.of(probe(10, -1, -3, 1), probe(20, -2, -4, 0), probe(30, -9, -9, -9)),
                List.of(probe(10, -3, -5, 3), probe(20, Double.NaN, -6, 2)));
        double[] median = ProbeFigure.meanOverSeeds(seeds, 2, Metrics.PsiProbe::medianLog10Var);
        assertEquals(-2.0, median[0], 0);
        assertEquals(-2.0, median[1], 0); // the NaN of the second seed is left out
        assertEquals(-4.0, ProbeFigure.meanOverSeeds(seeds, 2, Metrics.PsiProbe::q10Log10Var)[0], 0);
        assertEquals(1.0, ProbeFigure.meanOverSeeds(seeds, 2, Metrics.PsiProbe::q90Log10Var)[1], 0);
    }

    private static Metrics.PsiProbe probe(long step, double median, double q10, double q90) {
        return new Metrics.PsiProbe(step, 3, 100, 50, median, q10, q90, 0.5);
    }
}
