package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;

/**
 * WSAM, weighted sharpness as a regularization term (Yue et al., KDD 2023): minimize
 * L(θ) + γ/(1 − γ)·[L(θ + ε) − L(θ)], ε = ρ·g₁/‖g₁‖, so with α = γ/(1 − γ), g₂ = ∇L(θ + ε):
 * <pre>
 *   coupled:    g = (1 − α)·g₁ + α·g₂                                    (the gradient of that loss)
 *   decoupled:  the rule steps on g₁, then θ ← θ − η_t·α·(g₂ − g₁)      (Algorithm 1; the default)
 * </pre>
 * The decoupled form is the official code's default ({@code decouple=True}, atorch
 * {@code optimizers/wsam.py}): the sharpness term is an SGD step with the rule's learning rate,
 * outside the rule's moments and the transforms (an {@link Estimate#decoupled} term). The coupled
 * form is exactly GR's paper form (eq. 10 of the penalizing-gradient-norm paper) with r = ρ and
 * α = γ/(1 − γ): γ = 1/2 is SAM, γ = 0 the plain gradient, and GR's α sweep is WSAM's γ sweep.
 * The official code clips g₁ and g₂ to {@code max_norm} (1.0 in its current version) and adds
 * {@code sam_eps} 1e-12 to ‖g₁‖; gradreg clips nothing (use a transform) and skips the ascent when
 * g₁ = 0.
 */
public final class Wsam implements GradientEstimator {

    /** Registry entry: {@code wsam:rho=…,gamma=…,decouple=true|false,scope=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("wsam",
            "weighted sharpness (Yue et al. 2023): alpha = gamma/(1-gamma) of the sharpness term, decoupled by default, two evaluations",
            Sam.keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.number("gamma", null, Range.UNIT, "weight gamma of the sharpness, alpha = gamma/(1-gamma)"),
                    Key.flag("decouple", true, "the sharpness term as a separate SGD step after the rule (official default) or in the gradient")),
            "rho=0.05,gamma=0.9", (a, w) -> Scope.of(a).over(Wsam.of(a.number("rho"), a.number("gamma")).decouple(a.flag("decouple"))));

    private final Schedule rho;
    private final double gamma;
    private final boolean decouple;
    private final Perturbation perturbation = new Perturbation();

    private Wsam(Schedule rho, double gamma, boolean decouple) {
        this.rho = rho;
        if (!(gamma >= 0 && gamma < 1)) {
            throw new IllegalArgumentException("WSAM gamma must be in [0, 1), got " + gamma);
        }
        this.gamma = gamma;
        this.decouple = decouple;
    }

    /** Decoupled WSAM with radius ρ and weight γ. */
    public static Wsam of(double rho, double gamma) {
        return new Wsam(Schedule.constant(Hyper.nonNegative("rho", rho)), gamma, true);
    }

    /** The same WSAM, decoupled (the official default) or coupled (the gradient of the weighted loss). */
    public Wsam decouple(boolean d) {
        return new Wsam(rho, gamma, d);
    }

    /** α = γ/(1 − γ), the weight of the sharpness term. */
    public double alpha() {
        return gamma / (1 - gamma);
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        double alpha = alpha();
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        double norm = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        values.put("alpha", alpha);
        if (r == 0 || norm == 0 || alpha == 0) {
            return Estimators.plain(first, values);
        }
        Params g2 = perturbation.evaluate(oracle, step, "WSAM ascent-point evaluation",
                Direction.GRADIENT.ascent(oracle.params(), g1, norm, r, step)).gradient();
        if (decouple) {
            // the rule gets g₁; α·(g₂ − g₁) is applied after it, scaled by the learning rate
            return new Estimate(first.loss(), g1, g1, norm, 2, values, g2.addScaled(-1, g1).scale(alpha));
        }
        // as GR's paper form: g = α·g₂ + (1 − α)·g₁, in g₂'s storage
        return new Estimate(first.loss(), g2.scale(alpha).addScaled(1 - alpha, g1), g1, norm, 2, values);
    }

    @Override
    public String toString() {
        return "wsam(rho=" + rho + ", gamma=" + gamma + (decouple ? "" : ", coupled") + ")";
    }
}
