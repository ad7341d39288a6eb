package org.gradreg.optim.transform;

import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;

/**
 * Clipping by global norm (Pascanu et al., 2013; optax.clip_by_global_norm):
 * g ← g·min(1, c/‖g‖₂), ‖·‖₂ over all tensors together. The authors' GR code clips the combined
 * gradient at c = 5.0 before the optimizer.
 */
public record ClipByGlobalNorm(double maxNorm) implements GradientTransform {

    /** Registry entry: {@code clip:max_norm=…}. */
    public static final Entry<TransformFactory> ENTRY = new Entry<TransformFactory>("clip",
            "clipping by global norm (Pascanu et al. 2013; optax.clip_by_global_norm)",
            java.util.List.of(Key.number("max_norm", null, Range.POSITIVE, "largest global L2 norm")), "max_norm=5",
            a -> new ClipByGlobalNorm(a.number("max_norm")));

    public ClipByGlobalNorm {
        Hyper.positive("clip maxNorm", maxNorm);
    }

    @Override
    public Params apply(Params gradient, Params params, long step) {
        return apply(gradient, gradient.norm2());
    }

    /**
     * {@link #apply} with the gradient's global norm already known: {@code norm} must be
     * {@code gradient.norm2()} of these very values (the optimizer passes the plain estimator's
     * checked norm, saving a second reduction over every parameter tensor: issue 20).
     */
    public Params apply(Params gradient, double norm) {
        if (norm > maxNorm) {
            gradient.scale(maxNorm / norm);
        }
        return gradient;
    }

    @Override
    public String toString() {
        return "clip(" + maxNorm + ")";
    }
}
