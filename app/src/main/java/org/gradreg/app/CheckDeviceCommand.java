package org.gradreg.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.gradreg.trainer.check.DeviceCheck;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.compute.DeviceUnavailableException;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradreg check-device}: checks that a device computes what the CPU computes, to rounding
 * (every backend operation, every model at a small size in DOUBLE and FLOAT, 20-step SAM/GR/GNR runs,
 * device memory over many steps), and prints one line per check. Exit 0 when all pass, 1 when one
 * fails, 2 when the device cannot be used.
 */
@Command(name = "check-device", mixinStandardHelpOptions = true,
        description = "Check a GPU against the CPU: every operation, every model (DOUBLE and FLOAT), 20-step SAM/GR/GNR runs, "
                + "memory over many steps; one line per check, exit 1 if any fails.")
public final class CheckDeviceCommand implements Callable<Integer> {

    @Option(names = "--device", description = "The device to check (default: ${DEFAULT-VALUE}).", defaultValue = "cuda")
    String device;

    @Option(names = "--memory-steps", description = "Steps of the memory check, 0 to skip it (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    int memorySteps;

    @Option(names = "--skip", split = ",", description = "Sections to skip: operations, models, steps, memory.")
    List<String> skip = new ArrayList<>();

    @Override
    public Integer call() {
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new org.gradreg.trainer.BadInput(e.getMessage(), e);
        }
        if (d.isCpu()) {
            throw new org.gradreg.trainer.BadInput("--device cpu: the CPU is the reference; name a GPU (cuda or cuda:N)");
        }
        String what;
        try (Backend be = Backends.open(d, DataType.FLOAT)) {
            what = be.describe();
        } catch (DeviceUnavailableException e) {
            throw e;
        }
        System.out.println("check-device: " + what + " against the CPU backend; tolerances: relative " + DeviceCheck.TOL_DOUBLE
                + " (DOUBLE), " + DeviceCheck.TOL_FLOAT + " (FLOAT)");
        DeviceCheck check = new DeviceCheck(type -> Backends.open(d, type));
        List<DeviceCheck.Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        if (!skip.contains("operations")) {
            section(rows, check.operations(DataType.DOUBLE));
            section(rows, check.operations(DataType.FLOAT));
        }
        if (!skip.contains("models")) {
            section(rows, check.models(DataType.DOUBLE, DeviceCheck.smallModels(), 3));
            section(rows, check.models(DataType.FLOAT, DeviceCheck.smallModels(), 3));
        }
        if (!skip.contains("steps")) {
            String vit = "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=2,dropout=0.1,attn_dropout=0.1";
            section(rows, check.steps(DataType.DOUBLE, vit, 16, 8, 20));
            section(rows, check.steps(DataType.FLOAT, vit, 16, 8, 20));
            section(rows, check.steps(DataType.DOUBLE, "resnet18:width=4,blocks=1", 16, 8, 20));
            section(rows, check.steps(DataType.FLOAT, "resnet18:width=4,blocks=1", 16, 8, 20));
        }
        if (!skip.contains("memory") && memorySteps > 0) {
            section(rows, List.of(check.memory("vit-nano", 32, 64, memorySteps)));
        }
        long failed = rows.stream().filter(r -> !r.pass()).count();
        System.out.printf(java.util.Locale.ROOT, "check-device: %d checks, %d passed, %d failed (%.1f s)%n", rows.size(), rows.size() - failed,
                failed, (System.nanoTime() - t0) / 1e9);
        return failed == 0 ? 0 : 1;
    }

    private static void section(List<DeviceCheck.Row> all, List<DeviceCheck.Row> rows) {
        rows.forEach(System.out::println);
        System.out.flush();
        all.addAll(rows);
    }
}
