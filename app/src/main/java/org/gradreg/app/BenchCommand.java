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

    @Option(names = "--trainer", description = "Benchmark training steps instead (vit-nano and vit-ti at batch 128; several minutes).")
    boolean trainer;

    @Option(names = "--models", split = ",", description = "Models for --trainer (default: ${DEFAULT-VALUE}).",
            defaultValue = "vit-nano,vit-ti")
    String[] models;

    @Option(names = "--batch", description = "Batch size for --trainer (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        }
        if (trainer) {
            Path file = out.getFileName().toString().equals("optim-benchmark.md") ? out.resolveSibling("trainer-benchmark.md") : out;
            String md = org.gradreg.app.bench.TrainerBenchmark.runTo(file, models, batch, repeats, s -> System.err.println("bench: " + s));
            System.out.println(md);
            System.out.println("wrote " + file.toAbsolutePath());
            return 0;
        }
        System.err.println("bench: timing a 1M-parameter MLP; this takes a minute or two ...");
        String md = OptimBenchmark.runTo(out, repeats);
        System.out.println(md);
        System.out.println("wrote " + out.toAbsolutePath());
        return 0;
    }
}
