package org.gradreg.optim.estimator;

import org.gradreg.optim.Oracle;

/**
 * Produces the gradient a step uses from one or more oracle evaluations (plain, SAM, GR, GNR).
 * Estimators call only the {@link Oracle}; every perturbation of the parameters is undone exactly,
 * from a saved copy, before {@link #estimate} returns (also when it throws).
 */
@FunctionalInterface
public interface GradientEstimator {

    /** The gradient for optimizer step {@code step} (from 0) at the oracle's current parameters. */
    Estimate estimate(Oracle oracle, long step);
}
