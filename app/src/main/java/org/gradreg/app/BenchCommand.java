package org.gradreg.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.app.bench.OptimBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gradreg bench}: the optimizer benchmark (not a test; figures go to docs/). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the optimizers on a ~1M-parameter MLP: evaluations per step and the optimizer's own time per step.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Markdown report (default: ${DEFAULT-VALUE}).", defaultValue = "out/bench/optim-benchmark.md")
    Path out;

    @Option(names = "--repeats", description = "Timed repetitions per figure (median reported; default: ${DEFAULT-VALUE}).", defaultValue = "15")
    int repeats;

    @Option(names = "--trainer", description = "Benchmark training steps instead: plain, SAM, GR and GNR steps, peak memory, "
            + "and PyTorch side by side with --torch (several minutes).")
    boolean trainer;

    @Option(names = "--models", split = ",", description = "Models for --trainer (default: ${DEFAULT-VALUE}).",
            defaultValue = "vit-ti")
    String[] models;

    @Option(names = "--batch", split = ",", description = "Batch sizes for --trainer (default: ${DEFAULT-VALUE}).", defaultValue = "32")
    int[] batch;

    @Option(names = "--kinds", split = ",", description = "Step kinds for --trainer (default: ${DEFAULT-VALUE}).",
            defaultValue = "plain,sam,gr,gnr")
    String[] kinds;

    @Option(names = "--torch", description = "The PyTorch companion script (bench/torch_reference.py), run with /usr/bin/python3 "
            + "before and after each gradreg row.")
    Path torch;

    @Option(names = "--memory-steps", description = "With --trainer: train this many plain steps of each model at each batch size "
            + "and record the resident memory curve (CSV + PNG beside --out) instead of timing.")
    int memorySteps;

    @Option(names = "--updates", description = "Time the update rules alone instead (AdamW, Adam, SGD momentum, Adan over ViT-Ti's "
            + "5.36M FLOAT parameters), fused and op-by-op alternating; prints a Markdown table.")
    boolean updates;

    @Option(names = "--threads", description = "Cap gradreg's CPU threads (ND4J, OpenBLAS, im2col) and, with --trainer, PyTorch's "
            + "(0: their default, one per core; default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int threads;

    @Mixin
    org.gradreg.trainer.cli.DeviceOptions deviceOptions = new org.gradreg.trainer.cli.DeviceOptions();

    @Option(names = "--memory-every", description = "Record every n steps with --memory-steps (default: ${DEFAULT-VALUE}).", defaultValue = "25")
    int memoryEvery;

    @Option(names = "--conv", paramLabel = "ALGORITHM", description = "With --trainer: FLOAT 3x3 stride-1 convolutions on the CPU, im2col or "
            + "winograd (as train --conv; default: -Dgradreg.conv, else winograd, train's default for a new FLOAT run).")
    String conv;

    @Override
    public Integer call() throws Exception {
        if (repeats < 1) {
            throw new org.gradreg.trainer.BadInput("--repeats must be >= 1, got " + repeats);
        }
        if (threads < 0) {
            throw new org.gradreg.trainer.BadInput("--threads must be >= 0, got " + threads);
        }
        if (conv == null && System.getProperty("gradreg.conv") == null) {
            conv = org.gradreg.trainer.cli.TrainCommand.DEFAULT_CONV; // what a user's train run computes
        }
        if (conv != null) {
            if (!conv.equals("im2col") && !conv.equals("winograd")) {
                throw new org.gradreg.trainer.BadInput("--conv must be im2col or winograd, got '" + conv + "'");
            }
            System.setProperty("gradreg.conv", conv); // the backends the benchmark builds read it
        }
        org.gradreg.trainer.loop.Trainer.threads(threads);
        if (updates) {
            System.out.println(org.gradreg.app.bench.UpdateBenchmark.run(repeats));
            return 0;
        }
        org.gradreg.trainer.compute.Device device = deviceOptions.apply();
        if (trainer) {
            org.gradreg.app.bench.TrainerBenchmark.threads(threads);
            Path file = out.getFileName().toString().equals("optim-benchmark.md") ? out.resolveSibling("trainer-benchmark.md") : out;
            for (int b : batch) {
                if (b < 1) {
                    throw new org.gradreg.trainer.BadInput("--batch must be >= 1, got " + b);
                }
            }
            if (torch != null && !java.nio.file.Files.isRegularFile(torch)) {
                throw new org.gradreg.trainer.BadInput("--torch: no such file: " + torch);
            }
            if (memorySteps > 0) {
                for (String m : models) {
                    for (int b : batch) {
                        System.out.println(org.gradreg.app.bench.TrainerBenchmark.memoryCurve(m, b, memorySteps, Math.max(1, memoryEvery),
                                file.toAbsolutePath().getParent(), device, s -> System.err.println("bench: " + s)));
                    }
                }
                return 0;
            }
            String md = org.gradreg.app.bench.TrainerBenchmark.runTo(file, models, batch, java.util.List.of(kinds), repeats, torch, device,
                    s -> System.err.println("bench: " + s));
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
