package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Oracle;
import org.gradreg.common.registry.Entry;

/** The mini-batch gradient itself: one evaluation. */
public final class Plain implements GradientEstimator {

    static final Plain INSTANCE = new Plain();

    /** Registry entry: {@code plain}, no keys. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("plain",
            "the mini-batch gradient, one evaluation", java.util.List.of(), "", (a, w) -> INSTANCE);

    private Plain() {
    }

    public static Plain of() {
        return INSTANCE;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        Estimators.Checked e = Estimators.primary(oracle, step);
        return new Estimate(e.loss(), e.gradient(), e.gradient(), e.norm(), 1, Map.of());
    }

    @Override
    public String toString() {
        return "plain";
    }
}
