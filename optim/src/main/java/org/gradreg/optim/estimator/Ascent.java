package org.gradreg.optim.estimator;

import org.gradreg.optim.Params;

/**
 * A perturbation ε = {@code scale}·{@code vector} of the parameters: the ascent step of a
 * SAM-family estimator, or a finite-difference shift. The vector may name only some of the
 * parameter tensors (SAM-ON perturbs the normalization layers only); the others stay put.
 * Keeping the scale apart from the vector lets θ + ε be one axpy per tensor.
 */
public record Ascent(double scale, Params vector) {

    /** No perturbation: the estimator then skips the perturbed evaluation. */
    public static final Ascent NONE = new Ascent(0, null);

    public boolean isNone() {
        return vector == null || scale == 0;
    }
}
