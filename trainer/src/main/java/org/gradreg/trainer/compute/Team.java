package org.gradreg.trainer.compute;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend's threads for its own parallel work (issue 20): the calling thread and the
 * fork-join pool, {@code --threads} of them in all; OpenBLAS runs at one thread inside each part.
 * Callers give contiguous, fixed ranges to the parts, so no result depends on which thread computed
 * which part.
 *
 * <p>Measured on the project's 2-core virtual machine (2026-12-07): a parked thread takes hundreds
 * of microseconds to wake (two halves of 240 µs of work took 490 µs on the fork-join pool, 468 µs
 * on one thread), so splitting pays only for work of a millisecond or more: {@link Blas#SPLIT_MIN}
 * and {@link HostKernels#PARALLEL_MIN} are set from that. Workers that spin instead of parking
 * (tried: a hand-written team spinning 0.1-2 ms after each task) took their half within a
 * microsecond in isolation, but made the small ViT's step slower at two threads (89-120 ms against
 * 71-73 ms with parking workers and 61-62 ms at one thread): not kept.
 */
final class Team {

    private Team() {
    }

    /**
     * Whether the backend splits its own work (default; {@code -Dgradreg.hostThreads=false}: each
     * GEMM one call at OpenBLAS's own thread count and every kernel on the calling thread, as before
     * 2026-12-07, for benchmarks).
     */
    static boolean enabled() {
        return !"false".equals(System.getProperty("gradreg.hostThreads"));
    }

    /** Threads the backend's parallel kernels use: ND4J's thread cap ({@code --threads}), or 1 when splitting is off. */
    static int size() {
        return enabled() ? Math.max(1, Nd4j.getEnvironment().maxMasterThreads()) : 1;
    }

    /** part(p) for p in [0, parts), on the calling thread and the fork-join pool; returns when all are done. */
    static void run(int parts, IntConsumer part) {
        if (parts <= 1) {
            for (int p = 0; p < parts; p++) {
                part.accept(p);
            }
            return;
        }
        IntStream.range(0, parts).parallel().forEach(part);
    }
}
