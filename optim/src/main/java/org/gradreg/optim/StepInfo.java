package org.gradreg.optim;

import java.util.Map;

/**
 * What one optimizer step did: the loss at the unperturbed parameters, ‖g₁‖, the learning rate,
 * the number of oracle evaluations and the effective estimator hyper-parameters (r_t, α_t, λ_t …).
 */
public record StepInfo(long step, double loss, double gradNorm, double lr, int evaluations, Map<String, Double> values) {

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT,
                "step %d: loss=%.6g |g1|=%.4g lr=%.4g evals=%d", step, loss, gradNorm, lr, evaluations));
        values.forEach((k, v) -> s.append(' ').append(k).append('=').append(String.format(java.util.Locale.ROOT, "%.4g", v)));
        return s.toString();
    }
}
