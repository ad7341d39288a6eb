package org.gradreg.trainer.loop;

/**
 * A run that ran out of memory (the Java heap, or ND4J's arrays past JavaCPP's limits) after it
 * started: the message says where it stopped, which checkpoint is kept and what to raise. The
 * command line reports it in one line with exit code 4 ({@code Cli.OUT_OF_MEMORY}); the lock is
 * released as for any other failure (issue 22 item 8).
 */
public class OutOfMemory extends RuntimeException {

    public OutOfMemory(String message, Throwable cause) {
        super(message, cause);
    }

    /** The {@link OutOfMemoryError} in {@code t}'s causes (ND4J wraps some of them), or null. */
    public static OutOfMemoryError find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError o) {
                return o;
            }
        }
        return null;
    }

    /**
     * What was exhausted, from the error's message: the Java heap, or JavaCPP's limit on ND4J's
     * arrays ({@code totalBytes > maxBytes}) or on the process's resident memory
     * ({@code physicalBytes > maxPhysicalBytes}).
     */
    public static String what(OutOfMemoryError e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("maxPhysicalBytes") || m.contains("physicalBytes")) {
            return "the process's resident memory reached JavaCPP's limit (org.bytedeco.javacpp.maxphysicalbytes)";
        }
        if (m.contains("maxBytes") || m.contains("totalBytes") || m.contains("Pointer")) {
            return "ND4J's arrays reached JavaCPP's limit outside the heap (org.bytedeco.javacpp.maxbytes)";
        }
        if (m.contains("heap") || m.contains("GC overhead")) {
            return "the Java heap is full (-Xmx)";
        }
        return m.isBlank() ? "OutOfMemoryError" : m.replaceAll("\\s*\\R\\s*", "; ");
    }
}
