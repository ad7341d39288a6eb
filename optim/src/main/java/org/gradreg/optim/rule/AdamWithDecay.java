package org.gradreg.optim.rule;

import org.gradreg.optim.Hyper;
import org.gradreg.optim.schedule.Schedule;

/**
 * An Adam-family rule whose weight decay is part of its update (AdamW: decoupled, AdamS:
 * scheduled): the setters of λ and of its mask.
 */
public abstract class AdamWithDecay<R extends AdamWithDecay<R>> extends AdamFamily<R> {

    AdamWithDecay(Schedule lr, AdamConfig c) {
        super(lr, c);
    }

    public R weightDecay(double lambda) {
        return weightDecay(Schedule.constant(Hyper.nonNegative("weightDecay", lambda)));
    }

    public R weightDecay(Schedule lambda) {
        return with(lr, c.weightDecay(lambda));
    }

    public R decayMask(DecayMask mask) {
        return with(lr, c.mask(mask));
    }
}
