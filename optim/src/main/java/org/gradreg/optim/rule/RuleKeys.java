package org.gradreg.optim.rule;

import java.util.List;
import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.optim.transform.Agr;

/** Keys several update rules accept, and how their values map to the rules' settings. */
final class RuleKeys {

    private RuleKeys() {
    }

    static final Key EPS = Key.number("eps", 1e-8, Range.POSITIVE, "added to the denominator");
    static final Key MASK = Key.choice("mask", "all", List.of("all", "no-1d"),
            "which tensors decay: all, or all but vectors (biases, norm scales)");
    static final Key AGR = Key.choice("agr", "none", List.of("none", "paper", "code"),
            "AGR's Psi on the first moment (paper, Algorithm 2) or on both moments (the official code)");

    static Key beta(String name, double dflt, String what) {
        return Key.number(name, dflt, Range.UNIT, what);
    }

    static DecayMask mask(Args a) {
        return a.choice("mask").equals("no-1d") ? DecayMask.noDecayOn1D() : DecayMask.all();
    }

    /**
     * {@code rule} with the command line's weight decay {@code wd} as coupled L2 (torch's
     * {@code weight_decay} for SGD, Adam, RMSprop): the add_decayed_weights transform before it.
     */
    static UpdateRule coupled(double wd, Args a, UpdateRule rule) {
        return wd == 0 ? rule : AddDecayedWeights.of(wd, mask(a)).before(rule);
    }

    /** The AGR placement, null for none. */
    static Agr.Placement agr(Args a) {
        return switch (a.choice("agr")) {
            case "paper" -> Agr.Placement.PAPER;
            case "code" -> Agr.Placement.CODE;
            default -> null;
        };
    }

    /** The Adam-family settings a spec gave; keys left out keep the rule's defaults (and its toString). */
    static <R extends AdamFamily<R>> R adam(R rule, Args a) {
        R r = rule;
        if (a.given("beta1") || a.given("beta2")) {
            r = r.betas(a.number("beta1"), a.number("beta2"));
        }
        if (a.given("eps")) {
            r = r.eps(a.number("eps"));
        }
        if (agr(a) != null) {
            r = r.agr(agr(a));
        }
        return r;
    }

    /** {@link #adam} and the decay mask, for the rules whose decay is their own (AdamW, AdamS). */
    static <R extends AdamWithDecay<R>> R decaying(R rule, Args a) {
        R r = adam(rule, a);
        return a.given("mask") ? r.decayMask(mask(a)) : r;
    }

    static final List<Key> ADAM = List.of(beta("beta1", 0.9, "first-moment retention"),
            beta("beta2", 0.999, "second-moment retention"), EPS, MASK, AGR);
}
