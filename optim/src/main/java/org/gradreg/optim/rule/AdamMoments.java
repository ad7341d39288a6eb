package org.gradreg.optim.rule;

import org.gradreg.optim.transform.Agr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam's moment estimates and step (Kingma &amp; Ba, 2015; harmful-GR paper eq. 5), kept as slots of
 * an {@link AbstractRule}:
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g₁      v ← β₂·v + (1 − β₂)·g₂²
 *   m̂ = m / (1 − β₁ᵗ)          v̂ = v / (1 − β₂ᵗ)          step = η · m̂ / (√v̂ + ε)
 * </pre>
 * with g₁ = g₂ = g, or, under AGR, g₁ = Ψ(g) and g₂ = g (paper placement) or Ψ(g) (code placement).
 */
final class AdamMoments {

    private static final Agr PSI = Agr.psi();

    private AdamMoments() {
    }

    /**
     * Updates the moments of tensor {@code name} with gradient {@code g} and returns the step
     * η·m̂/(√v̂ + ε) in a work buffer of the rule. Everything runs in place: ND4J's fused
     * {@code adam_updater} op was measured no faster here (about 9 ms per 10⁶ floats, as the
     * separate in-place ops), and it cannot feed the two moments different gradients, as AGR needs.
     */
    static INDArray updateAndStep(AbstractRule rule, AdamConfig c, String name, INDArray g, double eta, long t) {
        INDArray m = rule.slot("m", name, g);
        INDArray v = rule.slot("v", name, g);
        INDArray first = c.agr() == null ? g : PSI.applyInto(g, rule.scratch("agr", name, g));
        INDArray second = c.agr() == Agr.Placement.CODE ? first : g;
        INDArray work = rule.scratch("tmp", name, g);
        m.muli(c.beta1());
        AbstractRule.axpy(1 - c.beta1(), first, m);
        second.mul(second, work);
        v.muli(c.beta2());
        AbstractRule.axpy(1 - c.beta2(), work, v);
        double bc1 = 1 - Math.pow(c.beta1(), t);
        double bc2 = 1 - Math.pow(c.beta2(), t);
        INDArray denom = Transforms.sqrt(work.assign(v), false).divi(Math.sqrt(bc2)).addi(c.eps());
        return m.div(denom, denom).muli(eta / bc1);
    }

    /**
     * The whole update of tensor {@code name} in one pass ({@link FusedUpdates#adam}): the moments
     * as {@link #updateAndStep}, then θ ← θ·decay (when {@code decays}) − step. AGR's Ψ(g), when
     * placed, is computed first by its own ops. Returns false, having changed nothing, when the
     * tensors' layouts need the op-by-op form.
     */
    static boolean fusedUpdate(AbstractRule rule, AdamConfig c, String name, INDArray theta, INDArray g, double eta, long t,
                               double decay, boolean decays) {
        if (!FusedUpdates.enabled()) {
            return false;
        }
        INDArray m = rule.slot("m", name, g);
        INDArray v = rule.slot("v", name, g);
        if (!FusedUpdates.sameDenseLayout(theta, g, m, v)) {
            return false;
        }
        INDArray first = c.agr() == null ? g : PSI.applyInto(g, rule.scratch("agr", name, g));
        INDArray second = c.agr() == Agr.Placement.CODE ? first : g;
        double bc1 = 1 - Math.pow(c.beta1(), t);
        double bc2 = 1 - Math.pow(c.beta2(), t);
        return FusedUpdates.adam(theta, first, second, m, v, c.beta1(), c.beta2(), c.eps(), Math.sqrt(bc2), eta / bc1, decay, decays);
    }

    /** Σ v̂ over tensor {@code name}, for AdamS's global mean. */
    static double sumVHat(AbstractRule rule, AdamConfig c, String name, INDArray like, long t) {
        double bc2 = 1 - Math.pow(c.beta2(), t);
        return rule.slot("v", name, like).sumNumber().doubleValue() / bc2;
    }
}
