package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.AdaptiveRate;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.UpdateRule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ψ = 1/(√v̂ + ε) read from a rule's state against the moment recursion written out in plain
 * double arithmetic from the same gradient stream (harmful-GR paper eq. 5).
 */
class AdaptiveRateTest {

    private static final int[] SIZES = {3, 4, 1};

    /** v after {@code steps} steps of β·v + (1 − β)·g², element by element, for the seeded gradient stream. */
    private static double[][] v(double beta, int steps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] v = new double[SIZES.length][];
        for (int k = 0; k < SIZES.length; k++) {
            v[k] = new double[SIZES[k]];
        }
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < SIZES.length; k++) {
                for (int i = 0; i < SIZES[k]; i++) {
                    double g = gradient(r, t);
                    v[k][i] = beta * v[k][i] + (1 - beta) * g * g;
                }
            }
        }
        return v;
    }

    /** Gradients whose scale shrinks with t, as the paper's setting (σ_k decaying). */
    private static double gradient(SplittableRandom r, int t) {
        return (r.nextDouble() * 2 - 1) * Math.exp(-0.3 * t) + (r.nextBoolean() ? 1e-3 : -2e-3);
    }

    private static double[] run(UpdateRule rule, int steps, long seed) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int k = 0; k < SIZES.length; k++) {
            m.put("w" + k, Nd4j.zeros(DataType.DOUBLE, SIZES[k]));
        }
        Params p = Params.of(m);
        SplittableRandom r = new SplittableRandom(seed);
        for (int t = 0; t < steps; t++) {
            Map<String, INDArray> g = new LinkedHashMap<>();
            for (int k = 0; k < SIZES.length; k++) {
                double[] a = new double[SIZES[k]];
                for (int i = 0; i < a.length; i++) {
                    a[i] = gradient(r, t);
                }
                g.put("w" + k, Nd4j.createFromArray(a));
            }
            rule.apply(p, Params.of(g), t);
        }
        return ((AdaptiveRate) rule).psiMoments();
    }

    private static double[] expected(double[][] v, double scale, double eps) {
        double n = 0;
        double sum = 0;
        for (double[] a : v) {
            for (double x : a) {
                sum += 1 / (Math.sqrt(x * scale) + eps);
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (double[] a : v) {
            for (double x : a) {
                double d = 1 / (Math.sqrt(x * scale) + eps) - mean;
                ss += d * d;
            }
        }
        return new double[] {n, mean, ss / n};
    }

    private static void assertMoments(double[] want, double[] got) {
        assertEquals(want[0], got[0]);
        assertEquals(want[1], got[1], 1e-12 * Math.abs(want[1]));
        assertEquals(want[2], got[2], 1e-9 * Math.abs(want[2]));
        assertTrue(want[2] > 0);
    }

    @Test
    void adamBiasCorrectedRate() {
        int steps = 7;
        double beta2 = 0.99;
        double[] got = run(Adam.of(1e-3).betas(0.9, beta2).eps(1e-6), steps, 11);
        assertMoments(expected(v(beta2, steps, 11), 1 / (1 - Math.pow(beta2, steps)), 1e-6), got);
    }

    @Test
    void adamWDecoupledDecayLeavesTheRateAlone() {
        int steps = 5;
        double[] got = run(AdamW.of(1e-2, 0.1), steps, 3);
        assertMoments(expected(v(0.999, steps, 3), 1 / (1 - Math.pow(0.999, steps)), 1e-8), got);
    }

    @Test
    void rmsPropRateHasNoBiasCorrection() {
        int steps = 6;
        double[] got = run(RmsProp.of(1e-3).decay(0.9), steps, 5);
        assertMoments(expected(v(0.9, steps, 5), 1, 1e-8), got);
    }

    @Test
    void beforeTheFirstStepTheRateIsUndefined() {
        double[] m = ((AdaptiveRate) Adam.of(1e-3)).psiMoments();
        assertEquals(0, m[0]);
        assertTrue(Double.isNaN(m[1]) && Double.isNaN(m[2]));
    }
}
