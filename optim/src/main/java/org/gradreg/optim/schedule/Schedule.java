package org.gradreg.optim.schedule;

/**
 * A scalar hyper-parameter as a function of the optimizer step (counted from 0), as in optax.
 * Every scalar hyper-parameter in gradreg (lr, ρ, r, α, weight decay) is a {@code Schedule}.
 */
@FunctionalInterface
public interface Schedule {

    /** The value at optimizer step {@code step} (0 for the first step). */
    double at(long step);

    /**
     * The largest value the schedule takes, where it states one (a warmup's or a cosine's peak, a
     * constant): GSAM's ρ follows the learning rate relative to it. Empty for a schedule that does
     * not say (a lambda).
     */
    default java.util.OptionalDouble maxValue() {
        return java.util.OptionalDouble.empty();
    }

    /** The same value at every step. */
    static Schedule constant(double value) {
        return new Constant(value);
    }

    /** Linear warmup to {@code peak} over {@code warmupSteps}, then constant (harmful-GR paper eq. 6). */
    static Schedule linearWarmup(double peak, long warmupSteps) {
        return new LinearWarmup(peak, warmupSteps);
    }

    /** Linear warmup from 0 to {@code peak}, then cosine to 0 at {@code totalSteps} (warmup included). */
    static Schedule warmupCosine(double peak, long warmupSteps, long totalSteps) {
        return new WarmupCosine(peak, warmupSteps, totalSteps);
    }

    /** {@code initial · factor^floor(step / every)}. */
    static Schedule stepDecay(double initial, double factor, long every) {
        return new StepDecay(initial, factor, every);
    }
}
