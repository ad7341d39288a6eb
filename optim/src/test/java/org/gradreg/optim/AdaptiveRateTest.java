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

    /**
     * nextPsi and secondMomentEstimate against the recursion in plain double: after {@code steps}
     * steps, a probe gradient h gives ψ' = 1/(√((β·v + (1 − β)h²)·scale') + ε) per element, and the
     * state is left as it was (the next real step equals a step of an unprobed twin).
     */
    private static void assertNextPsi(java.util.function.Supplier<UpdateRule> make, double beta, boolean biasCorrected, double eps) {
        int steps = 4;
        UpdateRule rule = make.get();
        run(rule, steps, 21);
        double[][] v = v(beta, steps, 21);
        AdaptiveRate rate = (AdaptiveRate) rule;
        double scaleNow = biasCorrected ? 1 / (1 - Math.pow(beta, steps)) : 1;
        double scaleNext = biasCorrected ? 1 / (1 - Math.pow(beta, steps + 1)) : 1;
        SplittableRandom r = new SplittableRandom(99);
        for (int k = 0; k < SIZES.length; k++) {
            double[] h = new double[SIZES[k]];
            for (int i = 0; i < h.length; i++) {
                h[i] = r.nextDouble(-1, 1);
            }
            double[] got = rate.nextPsi("w" + k, Nd4j.createFromArray(h)).data().asDouble();
            double[] vHat = rate.secondMomentEstimate("w" + k).data().asDouble();
            for (int i = 0; i < h.length; i++) {
                double want = 1 / (Math.sqrt((beta * v[k][i] + (1 - beta) * h[i] * h[i]) * scaleNext) + eps);
                assertEquals(want, got[i], 1e-12 * want, "psi' of w" + k + "[" + i + "]");
                assertEquals(v[k][i] * scaleNow, vHat[i], 1e-12 * v[k][i] * scaleNow, "v-hat of w" + k + "[" + i + "]");
            }
        }
        assertEquals(rate.psiEps(), eps);
        // probing changed nothing: the state equals an unprobed twin's
        UpdateRule twin = make.get();
        run(twin, steps, 21);
        assertEquals(twin.state().toString(), rule.state().toString());
    }

    @Test
    void nextPsiIsTheRateTheNextStepWouldUse() {
        assertNextPsi(() -> Adam.of(1e-3).betas(0.9, 0.99).eps(1e-6), 0.99, true, 1e-6);
        assertNextPsi(() -> AdamW.of(1e-2, 0.1), 0.999, true, 1e-8);
        assertNextPsi(() -> RmsProp.of(1e-3).decay(0.9), 0.9, false, 1e-8);
        assertEquals(null, ((AdaptiveRate) Adam.of(1e-3)).secondMomentEstimate("w0"));
    }
}
