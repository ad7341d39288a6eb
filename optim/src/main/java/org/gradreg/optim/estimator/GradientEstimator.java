package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.State;
import org.gradreg.optim.rule.UpdateRule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Produces the gradient a step uses from one or more oracle evaluations (plain, SAM, GR, GNR).
 * Estimators call only the {@link Oracle}; every perturbation of the parameters is undone exactly,
 * from a saved copy, before {@link #estimate} returns (also when it throws).
 */
@FunctionalInterface
public interface GradientEstimator {

    /** The gradient for optimizer step {@code step} (from 0) at the oracle's current parameters. */
    Estimate estimate(Oracle oracle, long step);

    /**
     * The state this estimator carries from step to step (F-SAM's EMA of gradients, LookSAM's
     * stored component …) for checkpoints; empty for the stateless ones, whose buffers are scratch.
     * Arrays may be live.
     */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /**
     * Restores a state saved by {@link #state()}, checking names and shapes; the default (no state)
     * refuses any entry, naming it.
     */
    default void loadState(Map<String, INDArray> state) {
        State.requireEmpty(this, state);
    }

    /**
     * This estimator as used by an optimizer whose update rule is {@code rule}: GSAM's ρ follows
     * the rule's learning rate, Momentum-SAM ascends along the rule's momentum. The optimizer calls
     * it when it is built. Estimators with state return a new one with no state (an optimizer's
     * builder methods give fresh state); the others may return themselves.
     */
    default GradientEstimator forRule(UpdateRule rule) {
        return this;
    }
}
