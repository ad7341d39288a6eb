package org.gradreg.optim.estimator;

import org.gradreg.optim.schedule.LinearWarmup;

/**
 * The GR warmup policies of the harmful-GR paper (§5, Algorithm 1), over the LR warmup's length
 * T_w in optimizer steps. With ramp(t) = min(1, t/T_w), t counted from 0 as in the authors' code:
 * <ul>
 *   <li>{@code none}: r_t = r, α_t = α;</li>
 *   <li>{@code r}-warmup (eq. 10): r_t = ramp(t)·r with α fixed, so λ_t = α·r_t ramps too;</li>
 *   <li>{@code lambda}-warmup (eqs. 12-13): λ_t = ramp(t)·λ with r fixed, i.e. α_t = ramp(t)·α;</li>
 *   <li>{@code zero}-warmup (eq. 14): plain single-gradient steps while t &lt; T_w, then GR.</li>
 * </ul>
 */
public record GrWarmup(Kind kind, long steps) {

    public enum Kind { NONE, R, LAMBDA, ZERO }

    public GrWarmup {
        if (steps < 0) {
            throw new IllegalArgumentException("GR warmup length must be >= 0 steps, got " + steps);
        }
        if (kind == Kind.NONE && steps != 0) {
            throw new IllegalArgumentException("GR warmup 'none' takes no length");
        }
    }

    public static GrWarmup none() {
        return new GrWarmup(Kind.NONE, 0);
    }

    public static GrWarmup r(long steps) {
        return new GrWarmup(Kind.R, steps);
    }

    public static GrWarmup lambda(long steps) {
        return new GrWarmup(Kind.LAMBDA, steps);
    }

    public static GrWarmup zero(long steps) {
        return new GrWarmup(Kind.ZERO, steps);
    }

    /** The policy called {@code name} (none, r, lambda, zero), over {@code steps}. */
    public static GrWarmup parse(String name, long steps) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "off" -> none();
            case "r", "r-warmup" -> r(steps);
            case "lambda", "λ", "lambda-warmup" -> lambda(steps);
            case "zero", "zero-warmup" -> zero(steps);
            default -> throw new IllegalArgumentException("unknown GR warmup policy '" + name + "'; use none, r, lambda or zero");
        };
    }

    double r(double base, long step) {
        return kind == Kind.R ? base * LinearWarmup.ramp(step, steps) : base;
    }

    double alpha(double base, long step) {
        return kind == Kind.LAMBDA ? base * LinearWarmup.ramp(step, steps) : base;
    }

    boolean plain(long step) {
        return kind == Kind.ZERO && step < steps;
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase(java.util.Locale.ROOT) + "-warmup(" + steps + ")";
    }
}
