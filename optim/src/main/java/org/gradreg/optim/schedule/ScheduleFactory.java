package org.gradreg.optim.schedule;

import org.gradreg.common.registry.Args;

/**
 * Builds a schedule from the peak value, the warmup length and the run length in optimizer steps
 * (what a training command knows) and the entry's own checked keys.
 */
@FunctionalInterface
public interface ScheduleFactory {

    Schedule create(double peak, long warmupSteps, long totalSteps, Args args);
}
