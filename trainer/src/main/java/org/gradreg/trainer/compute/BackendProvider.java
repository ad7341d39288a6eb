package org.gradreg.trainer.compute;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A non-CPU backend, found with {@link java.util.ServiceLoader} (the {@code gradreg-cuda} module
 * registers the CUDA one), so the trainer does not depend on any GPU library.
 */
public interface BackendProvider {

    /** The device kind it serves, e.g. {@code cuda}. */
    String kind();

    /**
     * Opens the backend on {@code device}; throws {@link DeviceUnavailableException} with one line
     * saying what is missing (no driver, no GPU, a library not found) and how to install it.
     */
    Backend open(Device device, DataType type);
}
