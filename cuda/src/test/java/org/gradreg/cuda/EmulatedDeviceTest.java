package org.gradreg.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradreg.trainer.check.DeviceCheck;
import org.gradreg.trainer.compute.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The CUDA backend — its Java side (layouts, GEMM operand mapping, launch arguments, scratch) and
 * this very kernel source, compiled as C++ and run thread by thread — against the CPU backend, on
 * machines without a GPU: every operation, every model at a small size, and 20-step SAM/GR/GNR runs,
 * within {@link DeviceCheck}'s tolerances (relative 1e-10 in DOUBLE, 1e-4 in FLOAT). What this cannot
 * test is the real GPU's side (JavaCPP's calls, NVRTC, cuBLAS): {@link GpuDeviceTest} does, on a GPU.
 */
class EmulatedDeviceTest {

    private static DeviceCheck check;

    @BeforeAll
    static void emulator() {
        EmulatedGpu gpu = EmulatedGpu.available();
        Assumptions.assumeTrue(gpu != null, () -> "no GPU emulator: " + EmulatedGpu.whyNot());
        check = new DeviceCheck(type -> new CudaBackend(gpu, new Device("cuda", 0), type));
    }

    static void assertAllPass(List<DeviceCheck.Row> rows) {
        StringBuilder failed = new StringBuilder();
        for (DeviceCheck.Row r : rows) {
            if (!r.pass()) {
                failed.append('\n').append(r);
            }
        }
        assertTrue(failed.length() == 0, "failed:" + failed);
        assertTrue(!rows.isEmpty());
    }

    @Test
    void everyOperationEqualsTheCpuBackendsInDouble() {
        assertAllPass(check.operations(DataType.DOUBLE));
    }

    @Test
    void everyOperationEqualsTheCpuBackendsInFloat() {
        assertAllPass(check.operations(DataType.FLOAT));
    }

    @Test
    void everyModelEqualsTheCpuEngineInDouble() {
        assertAllPass(check.models(DataType.DOUBLE, DeviceCheck.smallModels(), 3));
    }

    @Test
    void everyModelEqualsTheCpuEngineInFloat() {
        assertAllPass(check.models(DataType.FLOAT, DeviceCheck.smallModels(), 3));
    }

    @Test
    void twentySamGrAndGnrStepsEqualTheCpuRun() {
        assertAllPass(check.steps(DataType.DOUBLE, "vit-micro:patch=4,hidden=8,mlp=16,heads=2,layers=1,dropout=0.1,attn_dropout=0.1", 8, 4,
                20));
        assertAllPass(check.steps(DataType.DOUBLE, "resnet18:width=2,blocks=1", 8, 4, 20));
    }
}
