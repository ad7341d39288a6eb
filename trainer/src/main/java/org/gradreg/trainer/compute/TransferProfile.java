package org.gradreg.trainer.compute;

/**
 * What crossed the bus between the host and a device backend: bytes each way, and (while
 * {@link #profile} is on, at the cost of a synchronisation around each copy) the time spent copying.
 * The benchmark reports a step's transfer share from it.
 */
public interface TransferProfile {

    /** Times every copy from now on (synchronising the device before and after it). */
    void profile(boolean on);

    long bytesToDevice();

    long bytesToHost();

    /** Nanoseconds spent in copies while profiling. */
    long transferNanos();

    void resetCounters();
}
