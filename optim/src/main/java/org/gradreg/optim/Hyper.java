package org.gradreg.optim;

import org.gradreg.optim.schedule.Schedule;

/** Validation of hyper-parameter values, with messages that name the hyper-parameter. */
public final class Hyper {

    private Hyper() {
    }

    /** {@code value} if finite and >= 0, else an error naming it. */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    /** {@code value} if finite and > 0, else an error naming it. */
    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** {@code value} if finite, else an error naming it. */
    public static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
        return value;
    }

    /** {@code value} if in [0, 1), else an error naming it (moment retention factors). */
    public static double unitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /** The schedule's value at {@code step}, checked to be finite and >= 0. */
    public static double nonNegativeAt(String name, Schedule s, long step) {
        double v = s.at(step);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " schedule " + s + " gave " + v + " at step " + step + "; it must be finite and >= 0");
        }
        return v;
    }

    /** The schedule's value at {@code step}, checked to be finite. */
    public static double finiteAt(String name, Schedule s, long step) {
        double v = s.at(step);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " schedule " + s + " gave " + v + " at step " + step);
        }
        return v;
    }
}
