package org.gradreg.trainer.compute;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One JIT warm-up in the background: a daemon thread that runs a kernel family on private arrays while
 * a run loads its data, so that the JIT compiles the loops before the first steps need the cores (issue
 * 20). Each family starts at most once per process ({@code once}); {@code -Dgradreg.warmUp=false}
 * switches every warm-up off. A warm-up is only a speed-up: a failure in it (e.g. no memory left) is the
 * run's to report, not the warm-up thread's, so it is swallowed there.
 */
final class WarmUp {

    private WarmUp() {
    }

    /** Starts {@code work} on a daemon thread named {@code name}, unless switched off or already started through {@code once}. */
    static void start(AtomicBoolean once, String name, Runnable work) {
        if ("false".equalsIgnoreCase(System.getProperty("gradreg.warmUp")) || !once.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException | OutOfMemoryError e) {
                // only a speed-up (class comment)
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
