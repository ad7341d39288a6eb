package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.rule.FirstMoment;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Momentum-SAM (Becker, Altrock &amp; Risse, 2024, "Momentum-SAM: Sharpness Aware Minimization
 * without Computational Overhead"; MarlonBecker/MSAM {@code msam.py}, {@code adamW_msam.py}): the
 * ascent is along the negative momentum v of the update rule, which is at hand, so a step costs
 * one evaluation:
 * <pre>
 *   g = ∇L(θ − ρ·v_t/‖v_t‖)         (v_t: SGD's buffer b, or Adam's/AdamW's/Adan's m, before this step)
 * </pre>
 * and the rule steps from θ on g. Before the first update, or with v = 0, g = ∇L(θ). The one
 * evaluation is the step's primary one (the code's only pass: batch-norm statistics and the
 * reported loss and ‖g₁‖ are at θ − ρ·v/‖v‖). The official code keeps the parameters at the
 * ascent point between steps and moves back and forth (θ̃ ± ρ·v/‖v‖, with 1e-12 added to ‖v‖);
 * gradreg keeps θ and restores it exactly, so no final "move back" is needed. The official SGD
 * variant adds coupled weight decay at the ascent point θ̃; gradreg's add_decayed_weights uses θ.
 */
public final class MomentumSam implements GradientEstimator {

    /** Registry entry: {@code msam:rho=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("msam",
            "Momentum-SAM (Becker et al. 2024): ascent along the rule's negative momentum, one evaluation",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius")), "rho=0.3",
            (a, w) -> MomentumSam.of(a.number("rho")));

    private final Schedule rho;
    private final FirstMoment moment;
    private final Perturbation perturbation = new Perturbation();

    private MomentumSam(Schedule rho, FirstMoment moment) {
        this.rho = rho;
        this.moment = moment;
    }

    public static MomentumSam of(double rho) {
        return new MomentumSam(Schedule.constant(Hyper.nonNegative("rho", rho)), null);
    }

    /** Bound to the rule whose momentum it ascends along; the rule must keep one. */
    @Override
    public MomentumSam forRule(UpdateRule rule) {
        UpdateRule base = rule instanceof org.gradreg.optim.rule.Chain c ? c.rule() : rule;
        if (!(base instanceof FirstMoment m) || !m.keepsFirstMoment()) {
            throw new IllegalArgumentException("msam ascends along the update rule's momentum, and " + rule
                    + " keeps none; use sgd with momentum > 0, adam, adamw, adams or adan");
        }
        return new MomentumSam(rho, m);
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        if (moment == null) {
            throw new IllegalStateException("msam reads the update rule's momentum: use it in an Optimizer (or bind it with forRule)");
        }
        double r = Hyper.nonNegativeAt("rho", rho, step);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        Map<String, INDArray> v = moment.firstMoment();
        Params buffer = v.isEmpty() ? null : Params.of(v);
        double norm = buffer == null ? 0 : buffer.norm2();
        if (r == 0 || norm == 0) {
            return Estimators.plain(Estimators.primary(oracle, step), values);
        }
        Estimators.Checked at = perturbation.evaluatePrimary(oracle, step, "Momentum-SAM evaluation at theta - rho v/|v|",
                new Ascent(-r / norm, buffer));
        return Estimators.plain(at, values);
    }

    @Override
    public String toString() {
        return "msam(rho=" + rho + ")";
    }
}
