package org.gradreg.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.loop.Flatness;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.report.AnalysisSpec;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.SpecRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gradreg hessian RUN_DIR…} (or {@code --spec ANALYSIS RUN_DIR…}): top Hessian eigenvalues and trace of a trained model (GNR §3.4). */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = "Top-k Hessian eigenvalues (power iteration, deflation, with residuals) and Hutchinson trace of a run's last checkpoint, and the full training-set gradient norm; writes hessian.json.")
public final class HessianCommand implements Callable<Integer> {

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Parameters(arity = "1..*", description = "Run directories (each with config.json and checkpoint.zip), measured one after the other.")
    List<Path> runs;

    @Option(names = "--spec", description = "Analysis spec (examples/*.json with \"runsOf\" and \"measure.hessian\"): measure with its registered "
            + "settings (no other measurement option may be given) the runs made from the grid spec it names, skipping runs already measured so.")
    Path spec;

    @Spec
    CommandSpec command;

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

    @Option(names = "--activation-pattern", defaultValue = HessianSettings.FROZEN,
            description = "frozen (default): hold the ReLU and max-pool pattern of the measured point fixed, the Hessian autograd gives; "
                    + "live: recompute it at each finite-difference point (no Hessian measurement on a ReLU or max-pool network: "
                    + "only to repeat measurements made before 2026-12-06).")
    String activationPattern;

    @Override
    public Integer call() throws Exception {
        if (!activationPattern.equals(HessianSettings.FROZEN) && !activationPattern.equals(HessianSettings.LIVE)) {
            throw new BadInput("hessian: --activation-pattern must be " + HessianSettings.FROZEN + " or " + HessianSettings.LIVE + ", got '"
                    + activationPattern + "'");
        }
        HessianSettings settings = new HessianSettings(batch, top, samples, maxIterations, tolerance, seed, fullGradient, activationPattern);
        AnalysisSpec analysis = null;
        if (spec != null) {
            for (String o : List.of("--top", "--trace-samples", "--batch", "--seed", "--tolerance", "--max-iterations", "--full-gradient",
                    "--no-full-gradient", "--activation-pattern")) {
                if (command.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new BadInput("hessian: " + o + " with --spec " + spec + ": the analysis spec registers every setting; drop " + o);
                }
            }
            JsonNode root = Grid.readTree(spec);
            if (!AnalysisSpec.is(root)) {
                throw new BadInput("hessian: --spec " + spec + " is not an analysis spec (it has no \"runsOf\")");
            }
            analysis = AnalysisSpec.parse(root, spec.toString());
            settings = analysis.hessian();
        }
        List<Path> todo = new ArrayList<>();
        for (Path run : runs) { // every directory checked before the first (long) measurement
            RunDir dir = new RunDir(run);
            if (!Files.isRegularFile(dir.config())) {
                throw new BadInput("hessian: " + run + " is not a run directory (no " + RunDir.CONFIG + ")");
            }
            if (analysis != null) { // runs of other specs and unfinished runs (e.g. one still training) are skipped, not refused
                SpecRecord r = SpecRecord.read(run);
                if (r == null || !r.sha256().equals(analysis.runsOf().sha256())) {
                    System.out.println("hessian: skipped " + run + ": not a run of " + analysis.runsOf().file() + " (sha256 "
                            + analysis.runsOf().shortHash() + ")");
                    continue;
                }
                HessianResult done = dir.readHessian();
                if (done != null && settings.equals(done.settings())) {
                    System.out.println("hessian: skipped " + run + ": already measured with the registered settings (" + RunDir.HESSIAN + ")");
                    continue;
                }
                if (!dir.finished()) {
                    System.out.println("hessian: skipped " + run + ": the run has not finished");
                    continue;
                }
            }
            if (!Files.isRegularFile(dir.checkpoint())) {
                throw new BadInput("hessian: " + run + " has no checkpoint to measure (" + RunDir.CHECKPOINT + ")");
            }
            todo.add(run);
        }
        deviceOptions.apply();
        for (Path run : todo) {
            HessianResult r = Flatness.measure(run, settings);
            new RunDir(run).writeHessian(r);
            System.out.println("hessian " + run + ": " + r);
        }
        return 0;
    }
}
