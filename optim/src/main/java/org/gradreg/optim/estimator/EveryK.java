package org.gradreg.optim.estimator;

import org.gradreg.optim.Oracle;

/**
 * Applies an estimator on every k-th step (steps 0, k, 2k, …) and the plain gradient otherwise,
 * as in the GNR paper's Table 4 (GNR on 1/k of the iterations).
 */
public record EveryK(int k, GradientEstimator estimator) implements GradientEstimator {

    public EveryK {
        if (k < 1) {
            throw new IllegalArgumentException("every-k needs k >= 1, got " + k);
        }
        java.util.Objects.requireNonNull(estimator, "estimator");
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        return (step % k == 0 ? estimator : Plain.INSTANCE).estimate(oracle, step);
    }

    @Override
    public EveryK forRule(org.gradreg.optim.rule.UpdateRule rule) {
        return new EveryK(k, estimator.forRule(rule));
    }

    /** The wrapped estimator's state. */
    @Override
    public java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> state() {
        return estimator.state();
    }

    @Override
    public void loadState(java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> state) {
        estimator.loadState(state);
    }

    @Override
    public String toString() {
        return estimator + " every " + k + " steps";
    }
}
