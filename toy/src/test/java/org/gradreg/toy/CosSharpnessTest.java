package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GNR Fig. 1a against the closed forms at θ = 0 for every ρ of the sweep. */
class CosSharpnessTest {

    /** R^SAM_ρ(0) of cos(kπθ + π) = 1 − cos(kπρ) up to ρ = 1/k, then 2. */
    static double rsam(double k, double rho) {
        return k * rho >= 1 ? 2 : 1 - Math.cos(k * Math.PI * rho);
    }

    /** R^GNR_ρ(0) = ρ·kπ·sin(kπρ) up to ρ = 1/(2k), then ρ·kπ. */
    static double rgnr(double k, double rho) {
        return k * rho >= 0.5 ? rho * k * Math.PI : rho * k * Math.PI * Math.sin(k * Math.PI * rho);
    }

    @Test
    void thePapersValuesAndTheWholeRhoSweep(@TempDir Path dir) throws Exception {
        ToyResult r = new CosSharpness().run(dir, true, s -> { });
        assertEquals(2, r.number("rsam_L1_rho1"), 1e-9);
        assertEquals(2, r.number("rsam_L2_rho1"), 1e-9);
        assertEquals(Math.PI, r.number("rgnr_L1_rho1"), 1e-9);
        assertEquals(3 * Math.PI, r.number("rgnr_L2_rho1"), 1e-9);
        for (CSVRecord row : Csv.read(dir.resolve("rho.csv"))) {
            double rho = Double.parseDouble(row.get("rho"));
            assertEquals(rsam(1, rho), Double.parseDouble(row.get("rsam_L1")), 1e-8, "rho " + rho);
            assertEquals(rsam(3, rho), Double.parseDouble(row.get("rsam_L2")), 1e-8, "rho " + rho);
            assertEquals(rgnr(1, rho), Double.parseDouble(row.get("rgnr_L1")), 1e-8, "rho " + rho);
            assertEquals(rgnr(3, rho), Double.parseDouble(row.get("rgnr_L2")), 1e-8, "rho " + rho);
        }
        assertTrue(Files.size(dir.resolve("theta.png")) > 1000 && Files.size(dir.resolve("rho.png")) > 1000);
    }
}
