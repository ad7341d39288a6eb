package org.gradreg.app;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gradreg compare}: every optimizer and estimator on the built-in problem. */
@Command(name = "compare", mixinStandardHelpOptions = true, resourceBundle = "org.gradreg.app.CompareHelp",
        description = "Run every update rule and gradient estimator on a built-in MLP problem and print a comparison table.")
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/compare")
    Path out;

    @Option(names = "--seed", description = "Seed for data, initial weights and batches (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Override
    public Integer call() throws Exception {
        List<OptimizerComparison.Row> rows = OptimizerComparison.run(seed, line -> System.err.println("compare " + line));
        OptimizerComparison.write(rows, out);
        System.out.println(OptimizerComparison.markdown(rows));
        System.out.println("wrote " + out.resolve("optimizers.md").toAbsolutePath() + " and optimizers.csv");
        return 0;
    }
}
