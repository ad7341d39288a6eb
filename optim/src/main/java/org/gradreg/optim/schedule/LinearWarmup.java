package org.gradreg.optim.schedule;

/**
 * Gradual warmup, harmful-GR paper eq. 6: η(t) = min(t / T_w, 1)·η₀, with t the step counted from 0
 * as in the authors' code (so the first step uses 0). {@code warmupSteps = 0} means no warmup.
 */
public record LinearWarmup(double peak, long warmupSteps) implements Schedule {

    public LinearWarmup {
        if (!Double.isFinite(peak)) {
            throw new IllegalArgumentException("warmup peak must be finite, got " + peak);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    /** min(1, step / warmupSteps), 1 when there is no warmup. */
    public static double ramp(long step, long warmupSteps) {
        return warmupSteps == 0 ? 1.0 : Math.min(1.0, (double) step / warmupSteps);
    }

    @Override
    public double at(long step) {
        return peak * ramp(step, warmupSteps);
    }

    @Override
    public java.util.OptionalDouble maxValue() {
        return java.util.OptionalDouble.of(Math.max(peak, 0));
    }
}
