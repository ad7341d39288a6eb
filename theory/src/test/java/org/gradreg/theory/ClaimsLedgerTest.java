package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
     * The ledger finds AGR Theorem 4.1's second inequality false; the shrunk counterexample it names
     * (L = ½‖w‖², so H = I and ‖H‖₂ = 1) is re-checked here with Ψ's Jacobian in closed form,
     * ∂Ψᵢ/∂gⱼ = δᵢⱼ(1 − 2|gᵢ|/S) + gᵢ|gᵢ|sign(gⱼ)/S², S = Σ|g|, at g = ∇L(w) = w.
     */
    @Test
    void agrJacobianCounterexampleReallyViolatesTheBound() {
        org.gradreg.theory.Claim.Outcome o = new AgrJacobianBound().check();
        assertEquals(Verdict.FAILS, o.verdict(), "the ledger's verdict changed: " + o.evidence());
        Matcher m = Pattern.compile("w = \\((\\S+), (\\S+)\\)").matcher(o.counterexample());
        assertTrue(m.find(), o.counterexample());
        double[] g = {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
        int d = g.length;
        double s = Math.abs(g[0]) + Math.abs(g[1]);
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
        double jNorm = max(dpsi.svd(true).getSingularValues());
        assertTrue(jNorm > 1 + 1e-3, "‖J‖ = " + jNorm + ", ‖H‖ = 1");
        assertEquals(jNorm, AgrJacobianBound.identityHessianRatio(g), 1e-6);
    }

    /** No Java identity string ([D@1b2c3d, [I@…, Foo@7a81197d) anywhere in a rendered ledger. */
    static void assertReadable(String rendered) {
        Matcher m = Pattern.compile("\\[[A-Z]@|\\[L[\\w.$]+;@|\\w@[0-9a-f]{4,}\\b").matcher(rendered);
        assertTrue(!m.find(), () -> "unreadable value in the rendered ledger: " + m.group() + " near: "
                + rendered.substring(Math.max(0, m.start() - 80), Math.min(rendered.length(), m.end() + 20)));
    }

    @Test
    void evidenceValuesRenderReadably() {
        assertEquals("[0.5000, 2.000]", ClaimsLedger.render(new double[] {0.5, 2}));
        assertEquals("[1, 2]", ClaimsLedger.render(new int[] {1, 2}));
        assertEquals("[[1.000, 2.000], [3.000]]", ClaimsLedger.render(new double[][] {{1, 2}, {3}}));
        assertEquals("[[0.2500], x]", ClaimsLedger.render(List.of(new double[] {0.25}, "x")));
        assertEquals("{a: [7]}", ClaimsLedger.render(Map.of("a", new long[] {7})));
        String bad = "x " + new double[] {1}.toString() + " y";
        org.opentest4j.AssertionFailedError e = org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class,
                () -> assertReadable(bad));
        assertTrue(e.getMessage().contains("[D@"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, () -> assertReadable("v = Foo@7a81197d"));
        assertReadable("holds at w = (0.01, 0.06); see user@example for nothing");
    }

    private static double max(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, x);
        }
        return m;
    }

    /**
     * The whole ledger, once: every verdict must be the one committed in docs/claims.json, so a
     * change in any check's outcome flips this test (regenerate the ledger on purpose to accept
     * it); the claims that run in a few seconds are run again and must give the same evidence.
     */
    @Test
    void theLedgerMatchesTheCommittedVerdictsAndIsDeterministic(@TempDir Path dir) throws Exception {
        List<ClaimResult> results = ClaimsLedger.verify(dir, line -> { });
        assertEquals(ClaimsLedger.claims().size(), results.size());
        ObjectMapper json = new ObjectMapper();
        Map<String, String> committed = new LinkedHashMap<>();
        for (JsonNode n : json.readTree(Path.of("..", "docs", "claims.json").toFile())) {
            committed.put(n.get("id").asText(), n.get("verdict").asText());
        }
        Map<String, String> computed = new LinkedHashMap<>();
        for (ClaimResult r : results) {
            computed.put(r.id(), r.verdict().label());
            assertTrue(r.verdict() != Verdict.FAILS || r.counterexample() != null, r.id() + " fails without a counterexample");
        }
        assertEquals(committed, computed, "verdicts differ from docs/claims.json");
        String md = Files.readString(dir.resolve("claims.md"));
        assertTrue(md.contains("gnr.cos-example") && md.contains("**holds**"), md);
        assertReadable(md);
        assertReadable(Files.readString(Path.of("..", "docs", "claims.md")));
        // papers are cited by title, authors and public link, never by a local file path
        assertTrue(!md.contains("papers/") && !Files.readString(dir.resolve("claims.json")).contains("papers/"), "a file path to a paper");
        for (Claim c : ClaimsLedger.claims()) {
            ClaimResult first = results.stream().filter(r -> r.id().equals(c.id())).findFirst().orElseThrow();
            if (first.seconds() < 3) {
                assertEquals(json.writeValueAsString(first.evidence()), json.writeValueAsString(c.check().evidence()), c.id());
            }
        }
    }
}
