package org.gradreg.cuda;

import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.BackendProvider;
import org.gradreg.trainer.compute.Device;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code cuda} backend for {@link org.gradreg.trainer.compute.Backends} (registered in
 * META-INF/services): {@link CudaBackend} on the GPU {@code device.index()}, opened once per process.
 * TF32 tensor-core GEMMs are off (results compare with the CPU engine) unless
 * {@code -Dgradreg.cuda.tf32=true}.
 */
public final class CudaProvider implements BackendProvider {

    @Override
    public String kind() {
        return "cuda";
    }

    @Override
    public Backend open(Device device, DataType type) {
        return new CudaBackend(JavaCppGpu.open(device.index()), device, type);
    }
}
