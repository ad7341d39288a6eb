package org.gradreg.optim.schedule;

/** A constant hyper-parameter. */
public record Constant(double value) implements Schedule {

    /** Registry entry {@code constant}: linear warmup to the peak over the warmup steps (if any), then constant. */
    public static final org.gradreg.common.registry.Entry<ScheduleFactory> ENTRY = new org.gradreg.common.registry.Entry<ScheduleFactory>(
            "constant", "linear warmup (if any), then the peak value (harmful-GR eq. 6)", java.util.List.of(), "",
            (peak, warmup, total, a) -> warmup > 0 ? Schedule.linearWarmup(peak, warmup) : Schedule.constant(peak));

    public Constant {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("constant schedule value must be finite, got " + value);
        }
    }

    @Override
    public double at(long step) {
        return value;
    }

    @Override
    public java.util.OptionalDouble maxValue() {
        return java.util.OptionalDouble.of(value);
    }

    @Override
    public String toString() {
        return Double.toString(value);
    }
}
