package org.gradreg.optim.rule;

import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;

/**
 * What Adam, AdamW and AdamS share: the {@link AdamConfig} hyper-parameters and their fluent
 * setters, each returning a new rule of the same kind with no state. The decay setters are
 * {@link AdamWithDecay}'s (AdamW, AdamS): Adam has no decay of its own (coupled L2 is the
 * {@link org.gradreg.optim.transform.AddDecayedWeights} transform).
 */
public abstract class AdamFamily<R extends AdamFamily<R>> extends AbstractRule implements AdaptiveRate, FirstMoment {

    final AdamConfig c;

    AdamFamily(Schedule lr, AdamConfig c) {
        super(lr, "m", "v");
        this.c = c;
    }

    /** A new rule of this kind with these hyper-parameters. */
    abstract R with(Schedule lr, AdamConfig config);

    public R betas(double beta1, double beta2) {
        return with(lr, c.betas(beta1, beta2));
    }

    public R eps(double eps) {
        return with(lr, c.eps(eps));
    }

    /** The same rule with AGR's Ψ placed as in {@code placement} (see {@link Agr}). */
    public R agr(Agr.Placement placement) {
        return with(lr, c.agr(placement));
    }

    @Override
    public Agr.Placement agrPlacement() {
        return c.agr();
    }

    /** ψ = 1/(√v̂ + ε), v̂ = v/(1 − β₂ᵗ), as in the step (eq. 5). */
    @Override
    public double[] psiMoments() {
        if (count == 0) {
            return new double[] {0, Double.NaN, Double.NaN};
        }
        double bc2 = 1 - Math.pow(c.beta2(), count);
        double[] fused = fusedPsiMoments(Math.sqrt(bc2));
        if (fused != null) {
            return fused;
        }
        return AdaptiveRate.moments(slots("v"), (name, v) -> org.nd4j.linalg.ops.transforms.Transforms.sqrt(scratch("psi", name, v).assign(v),
                false).divi(Math.sqrt(bc2)).addi(c.eps()).rdivi(1.0));
    }

    @Override
    public org.nd4j.linalg.api.ndarray.INDArray nextPsi(String name, org.nd4j.linalg.api.ndarray.INDArray g) {
        org.nd4j.linalg.api.ndarray.INDArray v = slots("v").get(name);
        org.nd4j.linalg.api.ndarray.INDArray second = c.agr() == Agr.Placement.CODE ? Agr.psi().apply(g) : g;
        org.nd4j.linalg.api.ndarray.INDArray next = second.mul(second).muli(1 - c.beta2());
        if (v != null) {
            next.addi(v.mul(c.beta2()));
        }
        double bc2 = 1 - Math.pow(c.beta2(), count + 1);
        return org.nd4j.linalg.ops.transforms.Transforms.sqrt(next, false).divi(Math.sqrt(bc2)).addi(c.eps()).rdivi(1.0);
    }

    @Override
    public org.nd4j.linalg.api.ndarray.INDArray secondMomentEstimate(String name) {
        org.nd4j.linalg.api.ndarray.INDArray v = slots("v").get(name);
        return count == 0 || v == null ? null : v.div(1 - Math.pow(c.beta2(), count));
    }

    @Override
    public double psiEps() {
        return c.eps();
    }

    /**
     * The same moments from {@link FusedUpdates#psiSums} (two read-only passes over each v instead
     * of ψ written out and reduced by ND4J), tensors combined by Chan et al.'s formula as in
     * {@link AdaptiveRate#moments}; null if some v is not dense.
     */
    private double[] fusedPsiMoments(double sqrtBc2) {
        double n = 0;
        double mean = 0;
        double m2 = 0;
        for (org.nd4j.linalg.api.ndarray.INDArray v : slots("v").values()) {
            double[] s = FusedUpdates.psiSums(v, sqrtBc2, c.eps());
            if (s == null) {
                return null;
            }
            double nb = s[0];
            double meanB = s[1] / nb;
            double delta = meanB - mean;
            double total = n + nb;
            mean += delta * nb / total;
            m2 += s[2] + delta * delta * n * nb / total;
            n = total;
        }
        return n == 0 ? new double[] {0, Double.NaN, Double.NaN} : new double[] {n, mean, m2 / n};
    }

    /** m, the first moment (not bias-corrected). */
    @Override
    public java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> firstMoment() {
        return slots("m");
    }

    @Override
    public R fresh() {
        return with(lr, c);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + c.describe(lr) + ")";
    }
}
