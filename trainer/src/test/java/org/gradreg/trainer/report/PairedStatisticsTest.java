package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The paired statistics against values worked by hand (plain double arithmetic) and, for the t
 * quantiles, SciPy 1.17 (scipy.stats.t.ppf / ttest_1samp), not against the code under test.
 */
class PairedStatisticsTest {

    // a − b = d = {1.0, 1.5, 0.5, 2.0}: mean 1.25, squared deviations 0.0625 + 0.0625 + 0.5625 + 0.5625 = 1.25,
    // s_d = √(1.25/3) = 0.6454972243679028, se = s_d/2
    private static final double[] A = {10.0, 12.0, 11.0, 13.0};
    private static final double[] B = {9.0, 10.5, 10.5, 11.0};

    @Test
    void pairedTIntervalOfAKnownFourElementSample() {
        Paired p = Paired.of(A, B);
        double se = Math.sqrt(1.25 / 3) / 2;
        double t975 = 3.1824463052837078; // scipy.stats.t.ppf(0.975, 3)
        assertEquals(4, p.n());
        assertEquals(1.25, p.difference(), 1e-15);
        assertEquals(0.6454972243679028, p.sd(), 1e-15);
        assertEquals(1.25 - t975 * se, p.low(), 1e-8); // Commons Math's inverse t is accurate to ~1e-9
        assertEquals(1.25 + t975 * se, p.high(), 1e-8);
        assertEquals(0.2228698716197397, p.low(), 1e-8); // scipy.stats.ttest_1samp(d, 0).confidence_interval(0.95)
        assertEquals(0.030466291662170977, p.pT(), 1e-12); // scipy.stats.ttest_1samp(d, 0).pvalue
        assertEquals(1, p.sign());
        // MDE = (t.ppf(0.975, 3) + t.ppf(0.8, 3)) · se
        assertEquals((t975 + 0.9784723123633042) * se, p.detectable(), 1e-8);
    }

    @Test
    void exactSignFlipPValuesOfKnownSamples() {
        // d = {1, 1.5, 0.5, 2}: only the all-plus and all-minus patterns reach |Σ| = 5 → 2/16
        Paired p = Paired.of(A, B);
        assertEquals(2.0 / 16, p.pPermutation(), 0);
        assertTrue(p.exact());
        // d = {1, −1, 2, 3}, Σ = 5: ±2 ±3 ∈ {5, −1, 1, −5} plus ±1 ±1 ∈ {2, 0, 0, −2}: sums 7, 5, 5 and −7, −5, −5 reach 5 → 6/16
        assertEquals(6.0 / 16, SignFlip.test(new double[] {1, -1, 2, 3}).p(), 0);
        // a tie in exact arithmetic that floating point would break: 0.1 + 0.2 vs 0.3
        assertEquals(1.0, SignFlip.test(new double[] {0.1, 0.2, -0.3}).p(), 0);
        // one pair: both patterns reach |d| → 1
        assertEquals(1.0, Paired.of(new double[] {2}, new double[] {1}).pPermutation(), 0);
    }

    @Test
    void monteCarloSignFlipAboveSixteenSeedsIsSeededAndNearTheExactValue() {
        double[] d = new double[20];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 3 == 0 ? -1 : 1) * (0.5 + 0.1 * i);
        }
        SignFlip.Result mc = SignFlip.test(d);
        assertFalse(mc.exact());
        assertEquals(mc.p(), SignFlip.test(d).p(), 0, "seeded: the same differences give the same p");
        // the exact value, enumerated here over all 2²⁰ patterns in plain arithmetic
        double obs = 0;
        for (double x : d) {
            obs += x;
        }
        long hits = 0;
        for (int mask = 0; mask < 1 << 20; mask++) {
            double s = 0;
            for (int i = 0; i < 20; i++) {
                s += (mask >> i & 1) == 1 ? -d[i] : d[i];
            }
            hits += Math.abs(s) >= Math.abs(obs) - 1e-9 ? 1 : 0;
        }
        double exact = hits / (double) (1 << 20);
        assertTrue(exact > 0.01 && exact < 0.9, "a p the draws can estimate: " + exact);
        double sdMc = Math.sqrt(exact * (1 - exact) / SignFlip.DRAWS);
        assertEquals(exact, mc.p(), 5 * sdMc);
    }

    @Test
    void holmOnAKnownPVector() {
        // sorted 0.01, 0.03, 0.04, 0.2 → 4·0.01 = 0.04, 3·0.03 = 0.09, max(0.09, 2·0.04 = 0.08) = 0.09, max(0.09, 0.2) = 0.2
        assertArrayEquals(new double[] {0.04, 0.09, 0.09, 0.2}, Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.2}), 1e-15);
        // capped at 1, NaN (no test) left out of m
        double[] adj = Holm.adjust(new double[] {0.5, Double.NaN, 0.6});
        assertEquals(1.0, adj[0], 0);
        assertTrue(Double.isNaN(adj[1]));
        assertEquals(1.0, adj[2], 0);
        assertEquals(2, Holm.count(new double[] {0.5, Double.NaN, 0.6}));
    }

    @Test
    void smallAndDegenerateDesigns() {
        Paired one = Paired.of(new double[] {3}, new double[] {1});
        assertFalse(one.defined());
        assertTrue(Double.isNaN(one.detectable()) && Double.isNaN(one.low()));
        assertEquals(0, one.sign());
        // every seed moved by the same amount: a zero-width interval, nothing smaller is detectable in this sample
        Paired same = Paired.of(new double[] {2, 3, 4}, new double[] {1, 2, 3});
        assertEquals(1, same.sign());
        assertEquals(0, same.detectable(), 0);
        assertEquals(2.0 / 8, same.pPermutation(), 0);
    }
}
