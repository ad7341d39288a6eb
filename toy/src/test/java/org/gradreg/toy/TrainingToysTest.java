package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.gradreg.optim.Optim;
import org.gradreg.optim.rule.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training toys (quick sizes): their tables against their per-run rows and against independent runs. */
class TrainingToysTest {

    /**
     * The table's mean ± std come from the per-seed rows; zero-warmup GR is plain Adam during the
     * warmup (identical gradient norms) and not after it.
     */
    @Test
    void warmupTableAndZeroWarmupIdentity(@TempDir Path dir) throws Exception {
        ToyResult r = new WarmupStrategies().run(dir, true, s -> { });
        List<CSVRecord> rows = Csv.read(dir.resolve("runs.csv"));
        for (String rule : new String[] {"Adam", "RMSProp"}) {
            for (String m : WarmupStrategies.METHODS) {
                DescriptiveStatistics st = new DescriptiveStatistics();
                rows.stream().filter(x -> x.get("rule").equals(rule) && x.get("method").equals(m))
                        .forEach(x -> st.addValue(Double.parseDouble(x.get("test_error_pct"))));
                assertEquals(2, st.getN());
                assertEquals(st.getMean(), r.number(rule + " " + m + " mean"), 1e-12);
            }
        }
        List<CSVRecord> gn = Csv.read(dir.resolve("grad-norm.csv"));
        long warmup = 120 / 5;
        for (int s = 0; s < gn.size(); s++) {
            double plain = Double.parseDouble(gn.get(s).get("Adam no GR"));
            double zero = Double.parseDouble(gn.get(s).get("Adam zero-warmup GR"));
            if (s < warmup) {
                assertEquals(plain, zero, 0.0, "step " + s);
            } else if (s == gn.size() - 1) {
                assertNotEquals(plain, zero);
            }
        }
    }

    /** GR with α = 0 is plain SGD (same test error as a separate plain run); Fig. 1's numbers against the closed forms. */
    @Test
    void alphaSweepAndFigure1(@TempDir Path dir) throws Exception {
        ToyResult r = new GrAlphaSweep().run(dir, true, s -> { });
        MlpProblem p = MlpProblem.standard(11);
        Training plain = Training.run(p, Optim.optimizer(Sgd.of(Optim.warmupCosine(0.1, 10, 100)).momentum(0.9)), 100, 0);
        assertEquals(100 * plain.testError(), r.number("test error alpha=0.0"), 1e-12);
        // one well's closed form; the other well's tail adds ~1e-3 near the sharp minimum
        assertEquals(0.4 * Math.exp(-0.02), r.number("flat max grad norm"), 1e-4);
        assertEquals(10 * Math.exp(-0.5), r.number("sharp max grad norm"), 3e-3);
        assertEquals(4, r.number("flat curvature"), 1e-3);
        assertEquals(100, r.number("sharp curvature"), 0.05); // the flat well adds −0.02 at θ = 1
    }

    /** Two runs give the same CSVs; a cell of the sweep equals an independent run. */
    @Test
    void seededAndRecomputable(@TempDir Path dir) throws Exception {
        new AgrCurves().run(dir.resolve("a"), true, s -> { });
        new AgrCurves().run(dir.resolve("b"), true, s -> { });
        assertEquals(Files.readString(dir.resolve("a/loss.csv")), Files.readString(dir.resolve("b/loss.csv")));
        ToyResult s = new SwdSweep().run(dir.resolve("swd"), true, x -> { });
        MlpProblem p = MlpProblem.standard(11);
        Training t = Training.run(p, Optim.optimizer(Optim.adamW(Optim.warmupCosine(0.01, 15, 150)).weightDecay(0.1)), 150, 0);
        assertEquals(t.finalGradNorm(), s.number("AdamW grad norm λ=0.1"), 1e-12);
        List<Double> losses = new ArrayList<>();
        for (CSVRecord row : Csv.read(dir.resolve("a/loss.csv"))) {
            losses.add(Double.parseDouble(row.get("AdamW")));
        }
        Training w = Training.run(p, Optim.optimizer(Optim.adamW(Optim.warmupCosine(0.01, 15, 150)).weightDecay(0.01)), 150, 0);
        assertArrayEquals(w.loss(), losses.stream().mapToDouble(Double::doubleValue).toArray(), 0.0);
    }
}
