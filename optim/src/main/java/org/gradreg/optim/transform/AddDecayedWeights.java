package org.gradreg.optim.transform;

import java.util.List;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.optim.registry.Entry;
import org.gradreg.optim.registry.Key;
import org.gradreg.optim.registry.Range;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight decay with its mask, as optax's {@code add_decayed_weights(weight_decay, mask)}: as a
 * transform, g ← g + λ_t·θ on the tensors the mask selects (coupled L2). The update rules hold one
 * of these for their decay: SGD, Adam and RMSProp apply it as this transform before their moments;
 * AdamW, AdamS and Adan ask it for λ_t and the mask and shrink θ themselves (decoupled, scheduled
 * and proximal decay are not additions to the gradient).
 */
public record AddDecayedWeights(Schedule weightDecay, DecayMask mask) implements GradientTransform {

    /** Registry entry: {@code add_decayed_weights:weight_decay=…,mask=all|no-1d}. */
    public static final Entry<TransformFactory> ENTRY = new Entry<TransformFactory>("add_decayed_weights",
            "coupled weight decay g + lambda*theta on masked tensors (optax.add_decayed_weights)",
            List.of(Key.number("weight_decay", null, Range.NON_NEGATIVE, "decay lambda"),
                    Key.choice("mask", "all", List.of("all", "no-1d"), "which tensors decay: all, or all but vectors")),
            "weight_decay=1e-4,mask=no-1d",
            a -> of(a.number("weight_decay"), a.choice("mask").equals("no-1d") ? DecayMask.noDecayOn1D() : DecayMask.all()));

    /** No decay. */
    public static final AddDecayedWeights NONE = new AddDecayedWeights(Schedule.constant(0), DecayMask.all());

    public AddDecayedWeights {
        java.util.Objects.requireNonNull(weightDecay, "weightDecay");
        java.util.Objects.requireNonNull(mask, "mask");
    }

    public static AddDecayedWeights of(double weightDecay, DecayMask mask) {
        return new AddDecayedWeights(Schedule.constant(Hyper.nonNegative("weightDecay", weightDecay)), mask);
    }

    public AddDecayedWeights withRate(Schedule lambda) {
        return new AddDecayedWeights(lambda, mask);
    }

    public AddDecayedWeights withMask(DecayMask m) {
        return new AddDecayedWeights(weightDecay, m);
    }

    /** λ_t, checked to be finite and >= 0. */
    public double rate(long step) {
        return Hyper.nonNegativeAt("weightDecay", weightDecay, step);
    }

    /** Whether tensor {@code name} decays at rate {@code rate} (false for rate 0). */
    public boolean decays(double rate, String name, INDArray theta) {
        return rate != 0 && mask.decays(name, theta);
    }

    /** Whether the schedule is the constant 0. */
    public boolean isNone() {
        return weightDecay instanceof org.gradreg.optim.schedule.Constant c && c.value() == 0;
    }

    /** g ← g + rate·θ in place on the masked tensors. */
    public void addTo(Params gradient, Params params, double rate) {
        if (rate == 0) {
            return;
        }
        for (Map.Entry<String, INDArray> e : params) {
            if (mask.decays(e.getKey(), e.getValue())) {
                Params.axpy(rate, e.getValue(), gradient.get(e.getKey()));
            }
        }
    }

    @Override
    public Params apply(Params gradient, Params params, long step) {
        addTo(gradient, params, rate(step));
        return gradient;
    }

    @Override
    public String toString() {
        return "add_decayed_weights(" + weightDecay + ", mask=" + mask + ")";
    }
}
