package org.gradreg.optim.estimator;

import org.gradreg.common.registry.Args;

/**
 * Builds a gradient estimator from its checked spec and the training loop's {@link StepContext}
 * ({@link StepContext#NONE} or null outside a loop; GR's warmup keys use it).
 */
@FunctionalInterface
public interface EstimatorFactory {

    GradientEstimator create(Args args, StepContext steps);
}
