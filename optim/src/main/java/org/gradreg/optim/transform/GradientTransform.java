package org.gradreg.optim.transform;

import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.optim.State;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A map from the estimated gradient to the gradient the update rule sees (optax's gradient
 * transformation). Transforms may edit the gradient in place and return it.
 */
@FunctionalInterface
public interface GradientTransform {

    /** The transformed gradient at step {@code step}; {@code params} are the current parameters. */
    Params apply(Params gradient, Params params, long step);

    /** The state this transform carries from step to step, for checkpoints (empty: stateless). Arrays may be live. */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** Restores a state saved by {@link #state()}, checking names and shapes; the default refuses any entry, naming it. */
    default void loadState(Map<String, INDArray> state) {
        State.requireEmpty(this, state);
    }
}
