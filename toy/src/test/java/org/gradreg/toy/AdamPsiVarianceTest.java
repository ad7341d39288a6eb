package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamPsiVarianceTest {

    /** Eq. 9 against Lemma 4.1's delta method from the sums: Var(Y)/(4E(Y)³), σ_k = e^{−γ(k−1)}. */
    @Test
    void eq9IsTheDeltaMethodOfTheSums() {
        for (double gamma : new double[] {0, 0.01, 0.05, 0.2, 0.5}) {
            for (int t = 2; t <= 100; t++) {
                double mean = 0;
                double var = 0;
                for (int k = 1; k <= t; k++) {
                    double s = Math.exp(-gamma * (k - 1));
                    mean += s / t;
                    var += 2 * s * s / ((double) t * t);
                }
                double delta = var / (4 * mean * mean * mean);
                assertEquals(delta, AdamPsiVariance.eq9(t, gamma), 1e-9 * delta, "t " + t + ", gamma " + gamma);
            }
        }
    }

    /** ψ read from optim's Adam equals eq. 5 in plain double on the same stream (β₁ = 0, bias-corrected v̂). */
    @Test
    void optimsAdamComputesEq5() {
        double[][] g = AdamPsiVariance.streams(0.1, 30, 50, 3);
        double[][] psi = AdamPsiVariance.adamPsi(g);
        double b2 = AdamPsiVariance.BETA2;
        for (int i = 0; i < 50; i++) {
            double v = 0;
            for (int t = 0; t < 30; t++) {
                v = b2 * v + (1 - b2) * g[t][i] * g[t][i];
                double vhat = v / (1 - Math.pow(b2, t + 1));
                double expected = 1 / (Math.sqrt(vhat) + AdamPsiVariance.EPS);
                assertEquals(expected, psi[t][i], 1e-9 * expected, "t " + t + ", coordinate " + i);
            }
        }
    }

    @Test
    void varianceGrowsWithGammaInTheRun(@TempDir Path dir) throws Exception {
        ToyResult r = new AdamPsiVariance().run(dir, true, s -> { });
        for (double gamma : AdamPsiVariance.GAMMAS) {
            String k = String.format(java.util.Locale.ROOT, "%.2f", gamma);
            double mc = r.number("mc_t50_gamma" + k);
            double eq = r.number("eq9_t50_gamma" + k);
            // at t = 50 the delta method is within ~10% of the truth for small γ (claims ledger); 2000 samples add ~5%
            assertTrue(Math.abs(mc - eq) < 0.35 * eq, "gamma " + gamma + ": Monte Carlo " + mc + " vs eq. 9 " + eq);
        }
        assertTrue(r.number("adam_var_last_gamma0.20") > r.number("adam_var_last_gamma0.00"));
    }
}
