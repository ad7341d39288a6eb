package org.gradreg.optim.rule;

import java.util.List;
import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.GradientTransform;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * optax's {@code chain(transforms…, rule)}: gradient transforms that belong to an update rule and
 * run just before it, in order. torch's SGD, Adam and RMSprop with {@code weight_decay} are
 * {@code AddDecayedWeights.of(λ, mask).before(rule)}, a chain. An {@link org.gradreg.optim.Optimizer}
 * built from a chain runs its own transforms (clipping …) first, then the chain's, then the rule,
 * and its {@code rule()} is the rule itself. The chain's transforms keep no state (checked): the
 * chain's state is the rule's.
 */
public record Chain(List<GradientTransform> transforms, UpdateRule rule) implements UpdateRule {

    public Chain {
        transforms = List.copyOf(transforms);
        java.util.Objects.requireNonNull(rule, "rule");
        if (rule instanceof Chain) {
            throw new IllegalArgumentException("a chain's rule is not a chain; list all transforms in one chain");
        }
        for (GradientTransform t : transforms) {
            if (!t.state().isEmpty()) {
                throw new IllegalArgumentException("transform " + t + " keeps state; put it in the optimizer's transforms, not in a rule's chain");
            }
        }
    }

    /** {@code transform}, then {@code rule}. */
    public static Chain of(GradientTransform transform, UpdateRule rule) {
        return new Chain(List.of(transform), rule);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        Params g = gradient;
        for (GradientTransform t : transforms) {
            g = t.apply(g, params, step);
        }
        rule.apply(params, g, step);
    }

    @Override
    public Schedule lr() {
        return rule.lr();
    }

    @Override
    public Map<String, INDArray> state() {
        return rule.state();
    }

    @Override
    public void loadState(Map<String, INDArray> state) {
        rule.loadState(state);
    }

    @Override
    public void reset() {
        rule.reset();
    }

    @Override
    public Chain fresh() {
        return new Chain(transforms, rule.fresh());
    }

    @Override
    public Agr.Placement agrPlacement() {
        return rule.agrPlacement();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(rule.toString());
        transforms.forEach(t -> s.append(" + ").append(t));
        return s.toString();
    }
}
