package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.gradreg.optim.landscape.AdamPsiVariance;
import org.junit.jupiter.api.Test;

/** Harmful-GR eq. 9 against eq. 8 summed term by term, and the Monte Carlo estimate against both. */
class AdamPsiVarianceTest {

    /** Eq. 8, Var(Y)/(4E(Y)³), with E(Y) and Var(Y) of Y = (1/t)Σg_k², g_k ~ N(0, e^{−γ(k−1)}), summed directly. */
    private static double eq8(int t, double gamma) {
        double mean = 0;
        double var = 0;
        for (int k = 1; k <= t; k++) {
            double sigma = Math.exp(-gamma * (k - 1));
            mean += sigma / t;
            var += 2 * sigma * sigma / ((double) t * t);
        }
        return var / (4 * mean * mean * mean);
    }

    @Test
    void eq9IsTheClosedFormOfEq8() {
        for (int t : new int[] {1, 2, 5, 50, 300}) {
            for (double gamma : new double[] {0, 1e-3, 0.05, 0.7}) {
                assertEquals(eq8(t, gamma), AdamPsiVariance.eq9(t, gamma), 1e-12 * eq8(t, gamma), "t=" + t + " gamma=" + gamma);
            }
        }
    }

    @Test
    void monteCarloAgreesWithTheDeltaMethodForLongStreams() {
        double mc = AdamPsiVariance.monteCarlo(200, 0.01, 20_000, 3);
        assertEquals(AdamPsiVariance.eq9(200, 0.01), mc, 0.1 * mc);
    }
}
