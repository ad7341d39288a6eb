package org.gradreg.optim.transform;

import java.util.List;
import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.rule.Chain;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.rule.WeightDecay;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Coupled L2 weight decay, as optax's {@code add_decayed_weights(weight_decay, mask)}:
 * g ← g + λ_t·θ on the tensors the mask selects. This transform is the only way gradreg adds
 * coupled L2: torch's SGD/Adam/RMSprop {@code weight_decay} is this transform put just before the
 * rule ({@link #before}; what the registry builds for {@code sgd}, {@code adam} and {@code rmsprop}
 * with a weight decay). Decoupled, scheduled and proximal decay are not additions to the
 * gradient: AdamW, AdamS and Adan keep theirs ({@link WeightDecay}).
 */
public record AddDecayedWeights(WeightDecay decay) implements GradientTransform {

    /** Registry entry: {@code add_decayed_weights:weight_decay=…,mask=all|no-1d}. */
    public static final Entry<TransformFactory> ENTRY = new Entry<TransformFactory>("add_decayed_weights",
            "coupled weight decay g + lambda*theta on masked tensors (optax.add_decayed_weights)",
            List.of(Key.number("weight_decay", null, Range.NON_NEGATIVE, "decay lambda"),
                    Key.choice("mask", "all", List.of("all", "no-1d"), "which tensors decay: all, or all but vectors")),
            "weight_decay=1e-4,mask=no-1d",
            a -> of(a.number("weight_decay"), a.choice("mask").equals("no-1d") ? DecayMask.noDecayOn1D() : DecayMask.all()));

    public AddDecayedWeights {
        java.util.Objects.requireNonNull(decay, "decay");
    }

    public static AddDecayedWeights of(double weightDecay, DecayMask mask) {
        return new AddDecayedWeights(WeightDecay.of(weightDecay, mask));
    }

    public static AddDecayedWeights of(Schedule weightDecay, DecayMask mask) {
        return new AddDecayedWeights(new WeightDecay(weightDecay, mask));
    }

    /** torch's coupled {@code weight_decay}: this transform, then {@code rule} (optax.chain). */
    public UpdateRule before(UpdateRule rule) {
        return Chain.of(this, rule);
    }

    @Override
    public Params apply(Params gradient, Params params, long step) {
        double rate = decay.at(step);
        if (rate == 0) {
            return gradient;
        }
        for (Map.Entry<String, INDArray> e : params) {
            if (decay.mask().decays(e.getKey(), e.getValue())) {
                Params.axpy(rate, e.getValue(), gradient.get(e.getKey()));
            }
        }
        return gradient;
    }

    @Override
    public String toString() {
        return "add_decayed_weights(" + decay.rate() + ", mask=" + decay.mask() + ")";
    }
}
