package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.theory.claims.AdamVariance;
import org.gradreg.theory.claims.AgrJacobianBound;
import org.gradreg.theory.claims.GnrCosExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimsLedgerTest {

    @Test
    void cosExampleMatchesTheClosedForms() {
        Map<String, Object> ev = new GnrCosExample().check().evidence();
        assertEquals(2.0, (double) ev.get("R^SAM(0), L1"), 1e-9);
        assertEquals(2.0, (double) ev.get("R^SAM(0), L2"), 1e-9);
        assertEquals(Math.PI, (double) ev.get("R^GNR(0), L1"), 1e-9);
        assertEquals(3 * Math.PI, (double) ev.get("R^GNR(0), L2"), 1e-9);
    }

    /** Eq. 9 against the delta method summed here, with the first variance σ₁ (t = 7, γ = 0.3, σ₁ = 2). */
    @Test
    void eq9IsTheDeltaMethodWhenTheFirstVarianceIsSigma1() {
        int t = 7;
        double gamma = 0.3;
        double sigma1 = 2;
        double sum = 0;
        double sumSq = 0;
        for (int k = 0; k < t; k++) {
            double s = sigma1 * Math.exp(-gamma * k);
            sum += s;
            sumSq += s * s;
        }
        double delta = (2 * sumSq / (t * t)) / (4 * Math.pow(sum / t, 3));
        assertEquals(delta, AdamVariance.eq9(t, gamma, sigma1), 1e-12 * delta);
        // with eq. 7 read literally the first variance is e^{−γ}σ₁ and the delta method is e^γ times eq. 9
        assertEquals(Math.exp(gamma) * delta, AdamVariance.deltaMethod(AdamVariance.variances(t, gamma, sigma1, false)), 1e-12 * delta);
    }

    /**
     * The ledger finds AGR Theorem 4.1's second inequality false; the counterexample it names is
     * re-checked here with Ψ's Jacobian in closed form, ∂Ψᵢ/∂gⱼ = δᵢⱼ(1 − 2|gᵢ|/S) + gᵢ|gᵢ|sign(gⱼ)/S², S = Σ|g|.
     */
    @Test
    void agrJacobianCounterexampleReallyViolatesTheBound() {
        org.gradreg.theory.Claim.Outcome o = new AgrJacobianBound().check();
        assertEquals(Verdict.FAILS, o.verdict(), "the ledger's verdict changed: " + o.evidence());
        Matcher m = Pattern.compile("seed=(\\d+), d=(\\d+)").matcher(o.counterexample());
        assertTrue(m.find(), o.counterexample());
        long seed = Long.parseLong(m.group(1));
        int d = Integer.parseInt(m.group(2));
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] w = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(w);
        double s = 0;
        for (double x : g) {
            s += Math.abs(x);
        }
        SimpleMatrix dpsi = new SimpleMatrix(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double v = g[i] * Math.abs(g[i]) * Math.signum(g[j]) / (s * s);
                if (i == j) {
                    v += 1 - 2 * Math.abs(g[i]) / s;
                }
                dpsi.set(i, j, v);
            }
        }
        SimpleMatrix h = f.hessian(w);
        double jNorm = max(dpsi.mult(h).svd(true).getSingularValues());
        double hNorm = max(h.svd(true).getSingularValues());
        assertTrue(jNorm > hNorm, "‖J‖ = " + jNorm + ", ‖H‖ = " + hNorm);
    }

    private static double max(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, x);
        }
        return m;
    }

    @Test
    void theLedgerIsDeterministicAndComplete(@TempDir Path dir) throws Exception {
        List<ClaimResult> first = ClaimsLedger.verify(dir.resolve("a"), line -> { });
        ClaimsLedger.verify(dir.resolve("b"), line -> { });
        assertEquals(Files.readString(dir.resolve("a/claims.json")), Files.readString(dir.resolve("b/claims.json")));
        assertEquals(ClaimsLedger.claims().size(), first.size());
        for (ClaimResult r : first) {
            assertNotNull(r.verdict(), r.id());
            assertTrue(r.verdict() != Verdict.FAILS || r.counterexample() != null, r.id() + " fails without a counterexample");
        }
        String md = Files.readString(dir.resolve("a/claims.md"));
        assertTrue(md.contains("gnr.cos-example") && md.contains("**holds**"), md);
    }
}
