package org.gradreg.optim.transform;

import org.gradreg.optim.Params;

/**
 * A map from the estimated gradient to the gradient the update rule sees (optax's gradient
 * transformation). Transforms may edit the gradient in place and return it.
 */
@FunctionalInterface
public interface GradientTransform {

    /** The transformed gradient at step {@code step}; {@code params} are the current parameters. */
    Params apply(Params gradient, Params params, long step);
}
