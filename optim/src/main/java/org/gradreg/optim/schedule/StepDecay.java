package org.gradreg.optim.schedule;

/** Piecewise constant: {@code initial · factor^floor(step / every)}. */
public record StepDecay(double initial, double factor, long every) implements Schedule {

    public StepDecay {
        if (!Double.isFinite(initial) || !Double.isFinite(factor) || factor < 0) {
            throw new IllegalArgumentException("step decay needs finite initial and factor >= 0, got " + initial + ", " + factor);
        }
        if (every <= 0) {
            throw new IllegalArgumentException("step decay interval must be > 0 steps, got " + every);
        }
    }

    @Override
    public double at(long step) {
        return initial * Math.pow(factor, (double) (step / every));
    }

    @Override
    public java.util.OptionalDouble maxValue() {
        return factor <= 1 && initial >= 0 ? java.util.OptionalDouble.of(initial) : java.util.OptionalDouble.empty();
    }
}
