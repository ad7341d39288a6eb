package org.gradreg.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradreg reproduce}: the main job on built-in defaults, no downloads. Runs what gradreg
 * can reproduce so far and writes an index of the results.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run gradreg's reproductions on built-in defaults (no downloads) and write the results under --out.")
final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/reproduce")
    Path out;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        StringBuilder index = new StringBuilder("# gradreg reproduce\n\n");

        System.err.println("reproduce: [1/1] optimizer comparison on the built-in MLP problem");
        List<OptimizerComparison.Row> rows = OptimizerComparison.run(seed, line -> System.err.println("  " + line));
        OptimizerComparison.write(rows, out);
        index.append("## Optimizers\n\nEvery update rule and estimator of `optim` on one built-in problem: [optimizers.md](optimizers.md) ")
                .append("([CSV](optimizers.csv)).\n\n").append(OptimizerComparison.markdown(rows)).append('\n');

        double minutes = (System.nanoTime() - t0) / 6e10;
        index.append(String.format(java.util.Locale.ROOT, "%nTotal time: %.1f min.%n", minutes));
        Path indexFile = out.resolve("index.md");
        Files.writeString(indexFile, index.toString());
        System.out.println(OptimizerComparison.markdown(rows));
        System.out.println("reproduce: wrote " + indexFile.toAbsolutePath());
        return 0;
    }
}
