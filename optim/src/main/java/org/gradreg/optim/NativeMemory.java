package org.gradreg.optim;

import org.bytedeco.javacpp.Pointer;

/**
 * Keeps ND4J's off-heap memory in check. ND4J 1.0.0-M2.1 frees an array's native buffer only when
 * its Java wrapper is garbage-collected, and those allocations are not counted by JavaCPP's own
 * limits; a training loop makes little Java garbage, so collections are rare while the freed
 * native buffers pile up (a vit-nano run reached 23 GB resident before this). After each step,
 * {@link Optimizer} calls {@link #collectIfAbove()}: when the process's resident memory exceeds the
 * committed Java heap plus a native allowance (2 GiB by default, {@code -Dgradreg.nativeAllowance=BYTES}),
 * it runs a collection. If memory stays high afterwards (live arrays, not garbage), the threshold
 * moves up so that collections do not repeat every step.
 */
public final class NativeMemory {

    private static final long ALLOWANCE = Long.getLong("gradreg.nativeAllowance", 2L << 30);
    private static long extra;
    private static long collections;

    private NativeMemory() {
    }

    /** Runs a garbage collection if resident memory is above the threshold; returns whether it did. */
    public static synchronized boolean collectIfAbove() {
        long threshold = Runtime.getRuntime().totalMemory() + ALLOWANCE + extra;
        if (Pointer.physicalBytes() <= threshold) {
            return false;
        }
        System.gc();
        collections++;
        long after = Pointer.physicalBytes();
        threshold = Runtime.getRuntime().totalMemory() + ALLOWANCE + extra;
        extra = after > threshold ? extra + (after - threshold) + (ALLOWANCE / 2) : Math.max(0, extra / 2);
        return true;
    }

    /** Collections run so far by {@link #collectIfAbove()}. */
    public static synchronized long collections() {
        return collections;
    }
}
