package org.gradreg.optim.rule;

import org.gradreg.optim.transform.Agr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam's moment estimates (Kingma &amp; Ba, 2015; harmful-GR paper eq. 5), kept as slots of an
 * {@link AbstractRule}:
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g₁      v ← β₂·v + (1 − β₂)·g₂²
 *   m̂ = m / (1 − β₁ᵗ)          v̂ = v / (1 − β₂ᵗ)
 * </pre>
 * with g₁ = g₂ = g, or, under AGR, g₁ = Ψ(g) and g₂ = g (paper placement) or Ψ(g) (code placement).
 * Everything runs in place on the rule's slots and scratch buffers.
 */
final class AdamMoments {

    private static final Agr PSI = Agr.psi();

    private AdamMoments() {
    }

    /** Updates the moments of tensor {@code name} with gradient {@code g} (not modified). */
    static void update(AbstractRule rule, AdamConfig c, String name, INDArray g) {
        INDArray first = g;
        INDArray second = g;
        if (c.agr() != null) {
            first = PSI.applyInto(g, rule.scratch("agr", name, g));
            if (c.agr() == Agr.Placement.CODE) {
                second = first;
            }
        }
        INDArray m = rule.slot("m", name, g);
        INDArray v = rule.slot("v", name, g);
        INDArray sq = rule.scratch("tmp", name, g);
        m.muli(c.beta1());
        AbstractRule.axpy(1 - c.beta1(), first, m);
        second.mul(second, sq);
        v.muli(c.beta2());
        AbstractRule.axpy(1 - c.beta2(), sq, v);
    }

    /** θ ← θ − η·m̂ / (√v̂ + ε) for tensor {@code name} at count {@code t} (from 1). */
    static void step(AbstractRule rule, AdamConfig c, String name, INDArray theta, double eta, long t) {
        double bc1 = 1 - Math.pow(c.beta1(), t);
        double bc2 = 1 - Math.pow(c.beta2(), t);
        INDArray m = rule.slot("m", name, theta);
        INDArray v = rule.slot("v", name, theta);
        INDArray denom = rule.scratch("tmp", name, theta).assign(v);
        Transforms.sqrt(denom, false).divi(Math.sqrt(bc2)).addi(c.eps());
        INDArray dir = m.div(denom, denom);
        AbstractRule.axpy(-eta / bc1, dir, theta);
    }

    /** Σ v̂ over tensor {@code name}, for AdamS's global mean. */
    static double sumVHat(AbstractRule rule, AdamConfig c, String name, INDArray like, long t) {
        double bc2 = 1 - Math.pow(c.beta2(), t);
        return rule.slot("v", name, like).sumNumber().doubleValue() / bc2;
    }
}
