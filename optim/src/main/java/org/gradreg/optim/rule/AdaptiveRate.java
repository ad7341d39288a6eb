package org.gradreg.optim.rule;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A rule that divides its step element-wise by a running root mean square: its adaptive learning
 * rate ψ = 1/(√v̂ + ε) per parameter element (harmful-GR paper eq. 5, where ψ = √((1 − β₂ᵗ) /
 * ((1 − β₂)·Σ β₂^{t−i} g_i²)) = 1/√v̂; ε is the rule's, as in its step). The paper's mechanism for
 * harmful GR is that GR, by shrinking gradients during LR warmup, raises Var(ψ) (Theorems
 * 4.2-4.3); {@link #psiMoments} lets a training run measure it.
 */
public interface AdaptiveRate {

    /**
     * {count, mean, variance} of ψ over every element of every parameter tensor after the last
     * step (population variance, tensors combined exactly by Chan et al.'s pairwise formula); all
     * NaN before the first step. Reads the state only.
     */
    double[] psiMoments();

    /**
     * The moments of f(v) over the slot arrays {@code v}, each mapped element-wise into a scratch
     * array by {@code psiInto} (v, out) → out; shared by the rules.
     */
    static double[] moments(Iterable<INDArray> vs, java.util.function.BiFunction<INDArray, INDArray, INDArray> psiInto) {
        double n = 0;
        double mean = 0;
        double m2 = 0;
        for (INDArray v : vs) {
            INDArray psi = psiInto.apply(v, v.ulike());
            double nb = psi.length();
            double meanB = psi.meanNumber().doubleValue();
            double m2B = psi.var(false).getDouble(0) * nb;
            double delta = meanB - mean;
            double total = n + nb;
            mean += delta * nb / total;
            m2 += m2B + delta * delta * n * nb / total;
            n = total;
        }
        return n == 0 ? new double[] {0, Double.NaN, Double.NaN} : new double[] {n, mean, m2 / n};
    }
}
