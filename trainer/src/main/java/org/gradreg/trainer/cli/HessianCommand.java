package org.gradreg.trainer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.trainer.loop.Flatness;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradreg hessian RUN_DIR}: top Hessian eigenvalues and trace of a trained model (GNR §3.4). */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = "Top-k Hessian eigenvalues (power iteration, deflation, with residuals) and Hutchinson trace of a run's last checkpoint, and the full training-set gradient norm; writes hessian.json.")
public final class HessianCommand implements Callable<Integer> {

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Parameters(index = "0", description = "Run directory (with config.json and checkpoint.zip).")
    Path run;

    @Option(names = "--top", description = "Number of top eigenvalues (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int top;

    @Option(names = "--trace-samples", description = "Rademacher vectors for the trace (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int samples;

    @Option(names = "--batch", description = "Size of the fixed training batch (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int batch;

    @Option(names = "--seed", description = "Seed of the random start vectors (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--tolerance", description = "Power-iteration stopping rule, relative change (default: ${DEFAULT-VALUE}, PyHessian's).",
            defaultValue = "1e-3")
    double tolerance;

    @Option(names = "--max-iterations", description = "Power-iteration cap per eigenvalue (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int maxIterations;

    @Option(names = "--full-gradient", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure the norm of the gradient over the whole training set (default: ${DEFAULT-VALUE}; one pass over it in DOUBLE).")
    boolean fullGradient;

    @Override
    public Integer call() throws Exception {
        deviceOptions.apply();
        HessianResult r = Flatness.measure(run, top, samples, batch, seed, tolerance, maxIterations, fullGradient);
        new RunDir(run).writeHessian(r);
        System.out.println("hessian " + run + ": " + r);
        return 0;
    }
}
