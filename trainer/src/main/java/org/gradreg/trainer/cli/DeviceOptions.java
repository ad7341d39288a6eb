package org.gradreg.trainer.cli;

import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.loop.Trainer;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --dropout-masks}, shared by the commands that build models (a picocli mixin). */
public final class DeviceOptions {

    @Option(names = "--device", description = "Where the model runs: cpu, cuda or cuda:N (an NVIDIA GPU: CUDA 13 libraries needed, "
            + "see docs/gpu.md; the optimizer stays on the host) (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String device;

    @Option(names = "--dropout-masks", description = "Where dropout masks are drawn: host (ND4J's generator; the CPU default) or device "
            + "(a counter-based generator where the model runs, identical on CPU and GPU; the GPU default).")
    String masks;

    /** Parses the options and sets them for the runs of this process; returns the device. Bad values are {@link BadInput}. */
    public Device apply() {
        try {
            Device d = Device.parse(device);
            Trainer.device(d, masks == null || masks.isBlank() ? null : ModelOracle.MaskSource.parse(masks));
            return d;
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage(), e);
        }
    }
}
