package org.gradreg.optim.rule;

import org.gradreg.common.registry.Args;
import org.gradreg.optim.schedule.Schedule;

/**
 * Builds an update rule from its checked spec. The learning-rate schedule and the weight decay come
 * from the caller (the command line's {@code --lr}, {@code --schedule} and {@code --weight-decay}),
 * as optax passes {@code learning_rate} to every optimizer.
 */
@FunctionalInterface
public interface RuleFactory {

    UpdateRule create(Schedule lr, double weightDecay, Args args);
}
