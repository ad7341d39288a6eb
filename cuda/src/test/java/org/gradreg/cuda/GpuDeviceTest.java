package org.gradreg.cuda;

import java.util.List;
import org.gradreg.trainer.check.DeviceCheck;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.compute.DeviceUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * On a real GPU (skipped, saying why, without one): every operation and every model against the
 * CPU backend (relative 1e-10 in DOUBLE, 1e-4 in FLOAT), 20-step SAM/GR/GNR runs step by step, and
 * device memory flat over 1,000 steps. {@code gradreg check-device} runs the same checks with a table.
 */
class GpuDeviceTest {

    private static DeviceCheck check;

    @BeforeAll
    static void gpu() {
        Device cuda = Device.parse("cuda:" + Integer.getInteger("gradreg.cuda.device", 0));
        try {
            Backends.open(cuda, DataType.FLOAT).close();
        } catch (DeviceUnavailableException e) {
            Assumptions.abort("no usable GPU: " + e.getMessage());
        }
        check = new DeviceCheck(type -> Backends.open(cuda, type));
    }

    private static void assertAllPass(List<DeviceCheck.Row> rows) {
        rows.forEach(System.out::println);
        EmulatedDeviceTest.assertAllPass(rows);
    }

    @Test
    void everyOperationEqualsTheCpuBackends() {
        assertAllPass(check.operations(DataType.DOUBLE));
        assertAllPass(check.operations(DataType.FLOAT));
    }

    @Test
    void everyModelEqualsTheCpuEngine() {
        assertAllPass(check.models(DataType.DOUBLE, DeviceCheck.smallModels(), 3));
        assertAllPass(check.models(DataType.FLOAT, DeviceCheck.smallModels(), 3));
    }

    @Test
    void twentySamGrAndGnrStepsEqualTheCpuRun() {
        assertAllPass(check.steps(DataType.DOUBLE, "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=2,dropout=0.1,attn_dropout=0.1", 16,
                8, 20));
        assertAllPass(check.steps(DataType.FLOAT, "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=2,dropout=0.1,attn_dropout=0.1", 16,
                8, 20));
        assertAllPass(check.steps(DataType.DOUBLE, "resnet18:width=4,blocks=1", 16, 8, 20));
    }

    @Test
    void deviceMemoryStaysFlatOverAThousandSteps() {
        assertAllPass(List.of(check.memory("vit-nano", 32, 64, 1000)));
    }
}
