package org.gradreg.trainer.loop;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A stop asked by SIGTERM (Slurm's preemption and {@code scancel}, {@code kill}) or SIGINT (Ctrl-C).
 * Once {@link #install}ed, the first signal only sets the request: the training loop finishes its
 * step, writes a checkpoint, releases the lock and the command exits with {@link #exitCode}
 * (128 + the signal's number: 143 for SIGTERM, 130 for SIGINT, as a shell reports a process killed
 * by it). A second signal ends the process at once with the same code; the last checkpoint stays.
 */
public final class Preemption {

    private static final AtomicReference<String> REQUESTED = new AtomicReference<>();
    private static volatile boolean installed;

    private Preemption() {
    }

    /** Handles SIGTERM and SIGINT for this process (once; later calls do nothing). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> request("SIG" + s.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // a signal this JVM does not let us handle (e.g. -Xrs): its default action stays
            }
        }
        installed = true;
    }

    /** Asks the running training to stop at its next step with a checkpoint; a second request halts now. */
    public static void request(String signal) {
        if (!REQUESTED.compareAndSet(null, signal)) {
            System.err.println("gradreg: " + signal + " again: stopping now; the run continues from its last checkpoint with --resume");
            Runtime.getRuntime().halt(exitCode(signal));
        }
        System.err.println("gradreg: " + signal + ": stopping after this step with a checkpoint (send it again to stop at once)");
    }

    /** The signal asked for, or null. */
    public static String requested() {
        return REQUESTED.get();
    }

    /** 143 for SIGTERM, 130 for SIGINT (128 + the signal number), 1 otherwise. */
    public static int exitCode(String signal) {
        return "SIGTERM".equals(signal) ? 143 : "SIGINT".equals(signal) ? 130 : 1;
    }
}
