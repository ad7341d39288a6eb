package org.gradreg.common.registry;

import java.util.Locale;

/** An interval of accepted values, each end open or closed; NaN is never inside. */
public record Range(double lo, boolean loClosed, double hi, boolean hiClosed) {

    public static final Range ALL = new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);
    public static final Range FINITE = ALL;
    public static final Range NON_NEGATIVE = atLeast(0);
    public static final Range POSITIVE = new Range(0, false, Double.POSITIVE_INFINITY, false);
    /** [0, 1): moment retention factors, momentum, dampening. */
    public static final Range UNIT = new Range(0, true, 1, false);

    public static Range atLeast(double lo) {
        return new Range(lo, true, Double.POSITIVE_INFINITY, false);
    }

    public static Range closed(double lo, double hi) {
        return new Range(lo, true, hi, true);
    }

    /** Whether {@code v} is a finite number in the interval. */
    public boolean contains(double v) {
        if (!Double.isFinite(v)) {
            return false;
        }
        boolean aboveLo = loClosed ? v >= lo : v > lo;
        boolean belowHi = hiClosed ? v <= hi : v < hi;
        return aboveLo && belowHi;
    }

    @Override
    public String toString() {
        return (loClosed ? "[" : "(") + num(lo) + ", " + num(hi) + (hiClosed ? "]" : ")");
    }

    private static String num(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
