package org.gradreg.trainer.compute;

import java.util.ServiceLoader;
import org.nd4j.linalg.api.buffer.DataType;

/** Opens the backend of a {@link Device}: the CPU's here, others through their {@link BackendProvider}. */
public final class Backends {

    private Backends() {
    }

    /**
     * The backend for {@code device} computing in {@code type}; a device that cannot be used is a
     * {@link DeviceUnavailableException} with one line saying why.
     */
    public static Backend open(Device device, DataType type) {
        if (device.isCpu()) {
            return new CpuBackend(type);
        }
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.kind().equals(device.kind())) {
                return p.open(device, type);
            }
        }
        throw new DeviceUnavailableException("--device " + device + ": this build has no " + device.kind()
                + " backend on its class path (the gradreg-cuda module; ./gradreg and the bundle include it)");
    }
}
