package org.gradreg.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.app.bench.OptimBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gradreg bench}: the optimizer benchmark (not a test; figures go to docs/). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the optimizers on a ~1M-parameter MLP: evaluations per step and the optimizer's own time per step.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Markdown report (default: ${DEFAULT-VALUE}).", defaultValue = "out/bench/optim-benchmark.md")
    Path out;

    @Option(names = "--repeats", description = "Timed repetitions per figure (median reported; default: ${DEFAULT-VALUE}).", defaultValue = "15")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        }
        System.err.println("bench: timing a 1M-parameter MLP; this takes a minute or two ...");
        String md = OptimBenchmark.runTo(out, repeats);
        System.out.println(md);
        System.out.println("wrote " + out.toAbsolutePath());
        return 0;
    }
}
