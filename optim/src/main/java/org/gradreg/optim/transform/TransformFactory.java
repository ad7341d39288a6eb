package org.gradreg.optim.transform;

import org.gradreg.common.registry.Args;

/** Builds a gradient transform from its checked spec. */
@FunctionalInterface
public interface TransformFactory {

    GradientTransform create(Args args);
}
