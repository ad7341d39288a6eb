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
     * The ψ' = 1/(√v̂' + ε) the next step (t + 1) would give each element of tensor {@code name}
     * if the gradient it receives were {@code g}: v' from v and g exactly as the step forms it
     * (v' = β₂v + (1 − β₂)g², Adam's v̂' = v'/(1 − β₂^{t+1}), RMSProp's v̂' = v'), in a new array.
     * Reads the state only. With {@code g} from several mini-batches at fixed parameters it
     * measures Var(ψ) over the gradient noise of one step, per coordinate (harmful-GR §4).
     */
    INDArray nextPsi(String name, INDArray g);

    /** v̂ of tensor {@code name} after the last step (Adam: v/(1 − β₂ᵗ); RMSProp: v) in a new array; null before the first step. */
    INDArray secondMomentEstimate(String name);

    /** The ε of ψ = 1/(√v̂ + ε). */
    double psiEps();

    /**
     * The moments of ψ over the slot arrays {@code vs} (tensor name → v), each mapped element-wise
     * by {@code psi} (name, v) → ψ into a work buffer the rule keeps; shared by the rules.
     */
    static double[] moments(java.util.Map<String, INDArray> vs, java.util.function.BiFunction<String, INDArray, INDArray> psi) {
        double n = 0;
        double mean = 0;
        double m2 = 0;
        for (java.util.Map.Entry<String, INDArray> e : vs.entrySet()) {
            INDArray psiValues = psi.apply(e.getKey(), e.getValue());
            double nb = psiValues.length();
            double meanB = psiValues.meanNumber().doubleValue();
            double m2B = psiValues.var(false).getDouble(0) * nb;
            double delta = meanB - mean;
            double total = n + nb;
            mean += delta * nb / total;
            m2 += m2B + delta * delta * n * nb / total;
            n = total;
        }
        return n == 0 ? new double[] {0, Double.NaN, Double.NaN} : new double[] {n, mean, m2 / n};
    }
}
