package org.gradreg.optim.rule;

import org.gradreg.optim.Hyper;
import org.gradreg.optim.schedule.Constant;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight decay an update rule defines as part of its update: λ_t and the tensors it applies
 * to. AdamW shrinks θ by (1 − η_t·λ_t) (decoupled), AdamS by (1 − η_t·λ_t/s) (scheduled), Adan
 * divides by (1 + η_t·λ_t) (proximal). Coupled L2, g + λ·θ, is not a rule's decay: it is the
 * {@link org.gradreg.optim.transform.AddDecayedWeights} transform, put before any rule.
 */
public record WeightDecay(Schedule rate, DecayMask mask) {

    /** No decay. */
    public static final WeightDecay NONE = new WeightDecay(Schedule.constant(0), DecayMask.all());

    public WeightDecay {
        java.util.Objects.requireNonNull(rate, "rate");
        java.util.Objects.requireNonNull(mask, "mask");
    }

    /** Constant λ on the tensors {@code mask} selects. */
    public static WeightDecay of(double lambda, DecayMask mask) {
        return new WeightDecay(Schedule.constant(Hyper.nonNegative("weightDecay", lambda)), mask);
    }

    public WeightDecay withRate(Schedule lambda) {
        return new WeightDecay(lambda, mask);
    }

    public WeightDecay withMask(DecayMask m) {
        return new WeightDecay(rate, m);
    }

    /** λ_t, checked to be finite and >= 0. */
    public double at(long step) {
        return Hyper.nonNegativeAt("weightDecay", rate, step);
    }

    /** Whether tensor {@code name} decays at rate {@code lambda} (false for rate 0). */
    public boolean decays(double lambda, String name, INDArray theta) {
        return lambda != 0 && mask.decays(name, theta);
    }

    /** Whether the rate is the constant 0. */
    public boolean isNone() {
        return rate instanceof Constant c && c.value() == 0;
    }
}
