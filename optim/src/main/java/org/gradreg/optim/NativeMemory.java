package org.gradreg.optim;

/**
 * Keeps ND4J's off-heap memory in check: the garbage-collection policies, both reading the host's
 * {@link MemoryProbe}. ND4J 1.0.0-M2.1 frees an array's native buffer only when its Java wrapper is
 * garbage-collected, and those allocations are not counted by JavaCPP's own limits; a training loop
 * makes little Java garbage, so collections are rare while the freed native buffers pile up (a
 * vit-nano run reached 23 GB resident before this). Two policies, each run where its garbage is made:
 * <ul>
 *   <li>{@link #collectIfAbove()}, after each {@link Optimizer} step, process-wide ({@link Above}): when
 *       the resident memory exceeds the committed Java heap plus a native allowance (2 GiB by default,
 *       {@code -Dgradreg.nativeAllowance=BYTES}) it runs a collection; if memory stays high afterwards
 *       (live arrays, not garbage), the threshold moves up so that collections do not repeat every step;</li>
 *   <li>{@link Growth}, before each batch of a network's oracle (the trainer's {@code ModelOracle}): a
 *       collection once the resident memory has grown by a slack since the level seen after the last one.</li>
 * </ul>
 */
public final class NativeMemory {

    private static final long ALLOWANCE = Long.getLong("gradreg.nativeAllowance", 2L << 30);
    private static final Above AFTER_STEP = new Above(MemoryProbe.host(), ALLOWANCE, System::gc);

    private NativeMemory() {
    }

    /** Runs a garbage collection if resident memory is above the threshold; returns whether it did. */
    public static boolean collectIfAbove() {
        return AFTER_STEP.collectIfAbove();
    }

    /** Collections run so far by {@link #collectIfAbove()}. */
    public static long collections() {
        return AFTER_STEP.collections();
    }

    /**
     * Collects when the probe's used bytes exceed the committed Java heap plus {@code allowance}
     * (plus what live arrays kept after earlier collections).
     */
    public static final class Above {

        private final MemoryProbe probe;
        private final long allowance;
        private final Runnable gc;
        private long extra;
        private long collections;

        /** The policy over {@code probe}, collecting with {@code gc} ({@code System::gc}; a counter in tests). */
        public Above(MemoryProbe probe, long allowance, Runnable gc) {
            this.probe = probe;
            this.allowance = allowance;
            this.gc = gc;
        }

        /** Runs a collection if the used bytes are above the threshold; returns whether it did. */
        public synchronized boolean collectIfAbove() {
            long threshold = Runtime.getRuntime().totalMemory() + allowance + extra;
            if (probe.usedBytes() <= threshold) {
                return false;
            }
            gc.run();
            collections++;
            long after = probe.usedBytes();
            threshold = Runtime.getRuntime().totalMemory() + allowance + extra;
            extra = after > threshold ? extra + (after - threshold) + (allowance / 2) : Math.max(0, extra / 2);
            return true;
        }

        public synchronized long collections() {
            return collections;
        }
    }

    /**
     * Collects once the probe's used bytes have grown by {@code slack} since the level seen after the
     * last collection, read one call later (ND4J's deallocator thread frees the memory asynchronously).
     * Keeps resident memory flat at a small cost per call. One per oracle; not thread-safe.
     */
    public static final class Growth {

        /** "Re-read the baseline at the next call". */
        private static final long PENDING = Long.MAX_VALUE / 2;

        private final MemoryProbe probe;
        private final long slack;
        private final Runnable gc;
        private long baseline = -1;

        public Growth(MemoryProbe probe, long slack) {
            this(probe, slack, System::gc);
        }

        /** The policy over {@code probe}, collecting with {@code gc} ({@code System::gc}; a counter in tests). */
        public Growth(MemoryProbe probe, long slack, Runnable gc) {
            this.probe = probe;
            this.slack = slack;
            this.gc = gc;
        }

        /** Runs a collection if the used bytes have grown by more than the slack; returns whether it did. */
        public boolean collectIfGrown() {
            long used = probe.usedBytes();
            if (baseline < 0) {
                baseline = used;
            } else if (used > baseline + slack) {
                gc.run();
                baseline = PENDING; // re-read at the next call, once the deallocator has run
                return true;
            } else if (baseline == PENDING) {
                baseline = used;
            }
            return false;
        }

        public long slack() {
            return slack;
        }
    }
}
