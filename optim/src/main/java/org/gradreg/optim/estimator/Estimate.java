package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Params;

/**
 * What an estimator returns.
 *
 * @param loss               loss at the primary evaluation (the unperturbed parameters; Momentum-SAM's ascent point)
 * @param gradient           the gradient to hand on to transforms and the update rule (owned by the caller)
 * @param firstGradient      g₁, the primary evaluation's gradient (may be {@code gradient} itself)
 * @param firstGradientNorm  ‖g₁‖₂ over all tensors, the quantity the harmful-GR paper plots
 * @param evaluations        oracle evaluations this estimate used
 * @param values             this step's values (effective r, alpha, lambda, rho; GSAM's surrogate gap …), in order
 * @param decoupled          null, or a term d the optimizer applies after the update rule as
 *                           θ ← θ − η_t·d (η_t the rule's learning rate), outside transforms and
 *                           moments: WSAM's decoupled sharpness step (owned by the caller)
 */
public record Estimate(double loss, Params gradient, Params firstGradient, double firstGradientNorm,
                       int evaluations, Map<String, Double> values, Params decoupled) {

    public Estimate {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** An estimate with no decoupled term. */
    public Estimate(double loss, Params gradient, Params firstGradient, double firstGradientNorm, int evaluations,
                    Map<String, Double> values) {
        this(loss, gradient, firstGradient, firstGradientNorm, evaluations, values, null);
    }
}
