package org.gradreg.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.compute.DeviceUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Without a driver (CI), --device cuda is one line naming what is missing and how to install it. */
class UnavailableDeviceTest {

    @Test
    void aMachineWithoutTheDriverGetsOneLineSayingSo() {
        Assumptions.assumeFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl")),
                "this machine has an NVIDIA driver: GpuDeviceTest covers it");
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Backends.open(new Device("cuda", 0), DataType.FLOAT));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("--device cuda: "), m);
        assertTrue(m.contains("libcuda.so.1") || m.contains("libcudart.so.13"), m);
        assertTrue(m.contains("GRADREG_CUDA_LIBS"), m);
    }

    @Test
    void aBadDeviceSpecIsOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
        assertTrue(e.getMessage().contains("cuda:x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    }
}
