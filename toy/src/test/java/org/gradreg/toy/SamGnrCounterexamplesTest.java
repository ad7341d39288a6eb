package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.commons.csv.CSVRecord;
import org.gradreg.optim.VectorFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search's 1-D sharpness values against a brute-force maximisation over a dense grid, its
 * classification re-derived from them, and the basin table's λ_max against central differences of
 * the landscape with the 2×2 eigenvalue formula.
 */
class SamGnrCounterexamplesTest {

    @Test
    void sharpnessKindsAndCurvaturesAreRight(@TempDir Path dir) throws Exception {
        ToyResult r = new SamGnrCounterexamples().run(dir, true, s -> { });
        int checked = 0;
        for (CSVRecord row : Csv.read(dir.resolve("pairs.csv"))) {
            if (!row.get("family").equals("trig-1d")) {
                continue;
            }
            VectorFunction f = SamGnrCounterexamples.trig(Long.parseLong(row.get("seed")));
            double rho = Double.parseDouble(row.get("rho"));
            double[] v = new double[4];
            int k = 0;
            for (String m : new String[] {"minimum_i", "minimum_j"}) {
                double c = Double.parseDouble(row.get(m).replaceAll("[\\[\\]]", ""));
                double maxL = Double.NEGATIVE_INFINITY;
                double maxG = 0;
                for (int i = 0; i <= 200_000; i++) {
                    double t = c - rho + 2 * rho * i / 200_000;
                    maxL = Math.max(maxL, f.value(new double[] {t}));
                    maxG = Math.max(maxG, Math.abs(f.gradient(new double[] {t})[0]));
                }
                v[k] = maxL - f.value(new double[] {c});
                v[k + 2] = rho * maxG;
                k++;
            }
            assertEquals(v[0], Double.parseDouble(row.get("rsam_i")), 1e-6);
            assertEquals(v[1], Double.parseDouble(row.get("rsam_j")), 1e-6);
            assertEquals(v[2], Double.parseDouble(row.get("rgnr_i")), 1e-6);
            assertEquals(v[3], Double.parseDouble(row.get("rgnr_j")), 1e-6);
            assertEquals(SamGnrCounterexamples.kind(v[0], v[1], v[2], v[3]), row.get("kind"));
            checked++;
        }
        assertTrue(checked > 5, "only " + checked + " 1-D pairs");
        assertEquals(r.number("pairs"), Csv.read(dir.resolve("pairs.csv")).size(), 0.0);
        double h = 1e-4;
        for (CSVRecord row : Csv.read(dir.resolve("basin-runs.csv"))) {
            double x = Double.parseDouble(row.get("x"));
            double y = Double.parseDouble(row.get("y"));
            var f = SamGnrCounterexamples.BASINS;
            double fxx = (f.value(new double[] {x + h, y}) - 2 * f.value(new double[] {x, y}) + f.value(new double[] {x - h, y})) / (h * h);
            double fyy = (f.value(new double[] {x, y + h}) - 2 * f.value(new double[] {x, y}) + f.value(new double[] {x, y - h})) / (h * h);
            double fxy = (f.value(new double[] {x + h, y + h}) - f.value(new double[] {x + h, y - h}) - f.value(new double[] {x - h, y + h})
                    + f.value(new double[] {x - h, y - h})) / (4 * h * h);
            double lmax = (fxx + fyy) / 2 + Math.sqrt((fxx - fyy) * (fxx - fyy) / 4 + fxy * fxy);
            assertEquals(lmax, Double.parseDouble(row.get("lambda_max")), 1e-3 * Math.max(1, Math.abs(lmax)), row.toString());
            assertEquals(x > 0 ? "narrow" : "wide", row.get("basin"));
        }
    }
}
