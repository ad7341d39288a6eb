package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Params;

/**
 * What an estimator returns.
 *
 * @param loss               loss at the unperturbed parameters (the primary evaluation)
 * @param gradient           the gradient to hand on to transforms and the update rule (owned by the caller)
 * @param firstGradient      g₁ = ∇L(θ), the primary evaluation's gradient (may be {@code gradient} itself)
 * @param firstGradientNorm  ‖g₁‖₂ over all tensors, the quantity the harmful-GR paper plots
 * @param evaluations        oracle evaluations this estimate used
 * @param values             the effective hyper-parameters of this step (e.g. r, alpha, lambda), in order
 */
public record Estimate(double loss, Params gradient, Params firstGradient, double firstGradientNorm,
                       int evaluations, Map<String, Double> values) {

    public Estimate {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
