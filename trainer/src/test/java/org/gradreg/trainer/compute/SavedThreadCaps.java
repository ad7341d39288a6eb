package org.gradreg.trainer.compute;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The thread caps a test changes (ND4J's master threads, which {@link Team} splits over, and
 * OpenBLAS's count), saved when made and put back by {@link #restore}.
 */
final class SavedThreadCaps {

    private final int masters;
    private final int blas;

    SavedThreadCaps() {
        Nd4j.create(1);
        masters = Nd4j.getEnvironment().maxMasterThreads();
        blas = Blas.threads();
    }

    /** Caps the backend's split (and OpenBLAS, as {@code --threads} does) at n threads. */
    static void set(int n) {
        CpuBackend.blasThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
    }

    void restore() {
        CpuBackend.blasThreads(Math.max(1, blas));
        Nd4j.getEnvironment().setMaxMasterThreads(masters);
    }
}
