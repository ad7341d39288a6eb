package org.gradreg.trainer.compute;

/**
 * The counter-based generator behind {@link Backend#dropoutMask}: uniform(seed, i) is a pure
 * function of the seed and the element's index (SplitMix64's output function of seed + (i + 1)·γ,
 * γ = 0x9E3779B97F4A7C15, the top 53 bits as a double in [0, 1)), so any element can be drawn
 * independently, in any order, on any device; the GPU kernel computes the same 64-bit integer
 * arithmetic. Statistical quality: SplitMix64's (it passes BigCrush as a generator of consecutive
 * outputs; here consecutive counters).
 */
public final class DropoutHash {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutHash() {
    }

    /** SplitMix64's output function of seed + (i + 1)·γ. */
    public static long mix(long seed, long i) {
        long z = seed + (i + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) for element i. */
    public static double uniform(long seed, long i) {
        return (mix(seed, i) >>> 11) * 0x1.0p-53;
    }

    /** Whether element i is dropped at this rate. */
    public static boolean dropped(long seed, long i, double rate) {
        return uniform(seed, i) < rate;
    }
}
