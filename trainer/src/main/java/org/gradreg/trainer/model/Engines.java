package org.gradreg.trainer.model;

import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.nn.Engine;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Models by spec ({@link Models#REGISTRY}, overrides after a colon) as runnable engines: the
 * registry entry's factory builds the engine on the backend of the chosen device.
 */
public final class Engines {

    private Engines() {
    }

    /** Builds {@code spec} for images of channels×image×image and {@code classes} classes, initialised from {@code seed}, on the CPU. */
    public static Engine build(String spec, int channels, int image, int classes, DataType type, long seed) {
        return build(spec, channels, image, classes, type, seed, Device.CPU);
    }

    /**
     * Builds {@code spec} on {@code device} (a bad spec is an {@link IllegalArgumentException} naming it;
     * a device that cannot be used a {@link org.gradreg.trainer.compute.DeviceUnavailableException}).
     */
    public static Engine build(String spec, int channels, int image, int classes, DataType type, long seed, Device device) {
        Models.Model m = Models.parse(spec, channels, image);
        Backend be = Backends.open(device, type);
        return m.engine(classes, be, seed);
    }

    /** CIFAR-shaped input (3×32×32), on the CPU. */
    public static Engine build(String spec, int classes, DataType type, long seed) {
        return build(spec, 3, 32, classes, type, seed);
    }
}
