package org.gradreg.optim.schedule;

/** A constant hyper-parameter. */
public record Constant(double value) implements Schedule {

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
    public String toString() {
        return Double.toString(value);
    }
}
