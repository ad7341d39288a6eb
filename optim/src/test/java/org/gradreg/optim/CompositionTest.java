package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.AdaptiveRate;
import org.gradreg.optim.rule.Chain;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.gradreg.optim.transform.GradientTransform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How an optimizer composes: coupled L2 only as the add_decayed_weights transform (run after the
 * optimizer's own transforms, just before the rule, as torch's weight_decay after clipping), and
 * AGR's Ψ configured at most once.
 */
class CompositionTest {

    private final TestObjective ref = new TestObjective(TestObjective.start(), DataType.DOUBLE);

    /**
     * --optimizer sgd --weight-decay λ --clip c: g ← ∇L clipped to norm c, then g ← g + λ·θ, then
     * the SGD momentum step (torch: clip_grad_norm_, then SGD(weight_decay=λ).step()).
     */
    @Test
    void coupledDecayFromTheRegistryRunsAfterClipping() {
        double wd = 0.3;
        double c = 0.5;
        double lr = 0.05;
        double mu = 0.9;
        double[] x = TestObjective.start();
        double[] b = new double[9];
        for (int t = 0; t < 8; t++) {
            double[] g = ref.gradient(x);
            double n = 0;
            for (double gi : g) {
                n += gi * gi;
            }
            n = Math.sqrt(n);
            for (int i = 0; i < 9; i++) {
                g[i] = (n > c ? g[i] * c / n : g[i]) + wd * x[i];
                b[i] = t == 0 ? g[i] : mu * b[i] + g[i];
                x[i] -= lr * b[i];
            }
        }
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(Optim.rule("sgd:momentum=0.9", Schedule.constant(lr), wd)).transform(new ClipByGlobalNorm(c));
        opt.run(f, 8);
        assertArrayEquals(x, f.x(), 1e-12);
        assertInstanceOf(Sgd.class, opt.rule(), "the optimizer's rule is the chain's rule");
        assertEquals("Sgd(lr=0.05, momentum=0.9) + clip(0.5) + add_decayed_weights(0.3, mask=all)", opt.toString());
    }

    /**
     * The optimizer hands the plain estimate's checked norm to a first clipping transform instead of
     * reducing the gradient again (issue 20): bit for bit the same steps as the clip computing its own
     * norm (wrapped so that the optimizer cannot see it is a clip), in FLOAT, with the clip active.
     */
    @Test
    void clippingWithThePlainEstimatesNormIsTheClipsOwnBitForBit() {
        TestObjective a = new TestObjective(TestObjective.start(), DataType.FLOAT);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.FLOAT);
        ClipByGlobalNorm clip = new ClipByGlobalNorm(0.05);
        Optimizer.of(Adam.of(0.01)).transform(clip).run(a, 9);
        GradientTransform opaque = (g, p, step) -> clip.apply(g, p, step);
        Optimizer.of(Adam.of(0.01)).transform(opaque).run(b, 9);
        assertArrayEquals(b.x(), a.x(), 0.0);
        assertTrue(new TestObjective(TestObjective.start(), DataType.FLOAT).evaluate().gradient().norm2() > 0.05, "the clip is active");
    }

    @Test
    void aChainIsTheTransformThenTheRuleBitForBit() {
        TestObjective a = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        AddDecayedWeights l2 = AddDecayedWeights.of(0.02, DecayMask.noDecayOn1D());
        Optimizer.of(l2.before(Adam.of(0.01))).run(a, 7);
        Optimizer.of(Adam.of(0.01)).transform(l2).run(b, 7);
        assertArrayEquals(b.x(), a.x(), 0.0);
        // used on its own, outside an optimizer, the chain applies its transform first too
        TestObjective c = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Chain chain = (Chain) l2.before(Adam.of(0.01));
        for (int t = 0; t < 7; t++) {
            chain.apply(c.params(), c.evaluate().gradient(), t);
        }
        assertArrayEquals(b.x(), c.x(), 0.0);
    }

    @Test
    void adamWithCoupledDecayStillReportsItsAdaptiveRate() {
        Optimizer opt = Optimizer.of(Optim.rule("adam", Schedule.constant(1e-3), 0.01));
        assertInstanceOf(AdaptiveRate.class, opt.rule());
        opt.run(new TestObjective(TestObjective.start(), DataType.DOUBLE), 2);
        assertEquals(9.0, ((AdaptiveRate) opt.rule()).psiMoments()[0]);
    }

    @Test
    void aChainRefusesAStatefulTransformOrANestedChain() {
        org.gradreg.optim.transform.GradientTransform stateful = new org.gradreg.optim.transform.GradientTransform() {
            @Override
            public Params apply(Params gradient, Params params, long step) {
                return gradient;
            }

            @Override
            public java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> state() {
                return java.util.Map.of("ema", org.nd4j.linalg.factory.Nd4j.zeros(2));
            }
        };
        assertThrows(IllegalArgumentException.class, () -> Chain.of(stateful, Sgd.of(0.1)));
        assertThrows(IllegalArgumentException.class, () -> Chain.of(Agr.psi(), Chain.of(Agr.psi(), Sgd.of(0.1))));
    }

    @Test
    void agrConfiguredTwiceIsRefused() {
        for (Agr.Placement p : Agr.Placement.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Optimizer.of(AdamW.of(1e-3, 0.01).agr(p)).transform(Agr.psi()));
            assertTrue(e.getMessage().startsWith("AGR is configured twice: the rule's placement " + p), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Optimizer.of(Adan.of(1e-3).agr(p)).transform(Agr.psi()));
            // a rule's chain counts too
            assertThrows(IllegalArgumentException.class, () -> Optimizer.of(Chain.of(Agr.psi(), Adam.of(1e-3).agr(p))));
        }
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of(Sgd.of(0.1)).transform(Agr.psi()).transform(Agr.psi()));
        assertTrue(two.getMessage().startsWith("AGR is configured twice: 2 agr transforms"), two.getMessage());
        // once is fine, either way
        Optimizer.of(Sgd.of(0.1)).transform(Agr.psi());
        Optimizer.of(AdamW.of(1e-3, 0.01).agr(Agr.Placement.PAPER)).transform(new ClipByGlobalNorm(1));
    }

    /** The agr transform before Adam is Adam's code placement, bit for bit (Ψ(g) feeds both moments). */
    @Test
    void agrTransformBeforeAdamIsTheCodePlacement() {
        TestObjective a = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(AdamW.of(0.01, 0.05).agr(Agr.Placement.CODE)).run(a, 7);
        Optimizer.of(AdamW.of(0.01, 0.05)).transform(Agr.psi()).run(b, 7);
        assertArrayEquals(a.x(), b.x(), 0.0);
    }
}
