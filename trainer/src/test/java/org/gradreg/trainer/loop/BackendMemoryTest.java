package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.gradreg.optim.MemoryProbe;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.nn.Engine;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The memory probe behind the compute backend (issue 19 item 4): the CPU backend's is the host's,
 * the one the collection policies read, and the memory budget checks a run on a device against
 * that device's probe.
 */
class BackendMemoryTest {

    @Test
    void theCpuBackendsProbeIsTheHosts() {
        try (Backend cpu = Backends.open(Device.CPU, DataType.FLOAT)) {
            assertSame(MemoryProbe.host(), cpu.memory());
        }
    }

    @Test
    void aRunOnADeviceIsCheckedAgainstTheDevicesProbe() {
        long[] free = {1L << 40};
        MemoryProbe device = new MemoryProbe() {
            @Override
            public String where() {
                return "a test device";
            }

            @Override
            public long usedBytes() {
                return 0;
            }

            @Override
            public long availableBytes() {
                return free[0];
            }
        };
        Backend cpu = Backends.open(Device.CPU, DataType.FLOAT);
        // the CPU backend's arithmetic, a device's identity and memory
        Backend gpu = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "device":
                    return new Device("cuda", 0);
                case "describe":
                    return "a test device";
                case "memory":
                    return device;
                default:
                    try {
                        return m.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
        Engine e = Models.parse("vit-micro:patch=4,hidden=8,mlp=16,layers=1", 3, 32).engine(10, gpu, 1);
        MemoryLimits none = new MemoryLimits(-1, -1, null, Runtime.getRuntime().maxMemory(), -1, -1);
        assertDoesNotThrow(() -> MemoryBudget.check(e, 256, 1, none));
        free[0] = MemoryBudget.deviceEstimate(e, 64);
        BadInput x = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 256, 1, none));
        assertTrue(x.getMessage().contains("memory available on a test device") && x.getMessage().contains("--accumulate 4"), x.getMessage());
        assertDoesNotThrow(() -> MemoryBudget.check(e, 256, 4, none));
    }
}
