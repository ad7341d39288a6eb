package org.gradreg.optim.estimator;

import org.gradreg.optim.registry.Args;

/** Builds a gradient estimator from its checked spec; {@code warmup} is the GR warmup policy (none for the others). */
@FunctionalInterface
public interface EstimatorFactory {

    GradientEstimator create(Args args, GrWarmup warmup);
}
