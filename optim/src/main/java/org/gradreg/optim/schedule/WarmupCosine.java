package org.gradreg.optim.schedule;

/**
 * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then half a cosine from {@code peak}
 * to 0 at {@code totalSteps}; the total length includes the warmup, as in the authors' GR code.
 * Steps past {@code totalSteps} stay at 0.
 */
public record WarmupCosine(double peak, long warmupSteps, long totalSteps) implements Schedule {

    /** Registry entry {@code cosine}: linear warmup, then cosine to 0 at the last step (the papers' schedule). */
    public static final org.gradreg.common.registry.Entry<ScheduleFactory> ENTRY = new org.gradreg.common.registry.Entry<ScheduleFactory>(
            "cosine", "linear warmup, then cosine to 0 at the last step (the papers')", java.util.List.of(), "",
            (peak, warmup, total, a) -> Schedule.warmupCosine(peak, warmup, total));

    public WarmupCosine {
        if (!Double.isFinite(peak)) {
            throw new IllegalArgumentException("peak must be finite, got " + peak);
        }
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("need warmupSteps >= 0 and totalSteps > 0, got " + warmupSteps + ", " + totalSteps);
        }
        if (warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmup (" + warmupSteps + " steps) is longer than training (" + totalSteps + " steps)");
        }
    }

    @Override
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (step >= totalSteps) {
            return 0.0;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public java.util.OptionalDouble maxValue() {
        return java.util.OptionalDouble.of(Math.max(peak, 0));
    }
}
