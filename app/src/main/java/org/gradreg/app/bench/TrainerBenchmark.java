package org.gradreg.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.trainer.SameDiffOracle;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.Dataset;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.model.Network;
import org.gradreg.trainer.model.VitConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer benchmark of issue 5: the time of one training step (AdamW, FLOAT, a batch (128 by default) of
 * 32×32 images) through the SameDiff oracle with plain, SAM, GR and GNR gradients, as ratios to
 * the plain step (targets SAM/GR ≤ 2.1×, GNR ≤ 4.2×), and the ViT step's achieved FLOP/s (its
 * GEMM FLOPs counted from the architecture) against ND4J's float32 GEMM rate measured in the same
 * run on the model's largest GEMM shape.
 */
public final class TrainerBenchmark {


    private TrainerBenchmark() {
    }

    /** GEMM FLOPs of one forward pass of a ViT on {@code b} images: embedding, attention, MLP, head. */
    static double forwardFlops(VitConfig c, int b, int classes) {
        double t = c.tokens();
        double d = c.hidden();
        double perLayer = 2 * b * t * d * d * 4 // q, k, v, out projections
                + 2 * 2 * b * t * t * d // scores and probs·v over all heads
                + 2 * 2 * b * t * d * c.mlp(); // MLP
        return 2 * b * t * c.patchDim() * d + c.layers() * perLayer + 2.0 * b * d * classes;
    }

    /** Runs the benchmark for the given models and returns its Markdown report. */
    public static String run(String[] models, int batchSize, int repeats, Consumer<String> progress) {
        Dataset data = SyntheticCifar.generate(batchSize, 8, 10, 32, 3).train();
        Batch batch = Batches.training(data, batchSize, false, 1).get(0, 0);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Batch %d of 3×32×32 images, FLOAT, AdamW; %d cores; ND4J backend %s; median of %d interleaved rounds after "
                + "1 warm-up round.%n%n", batchSize, Runtime.getRuntime().availableProcessors(), Nd4j.getBackend().getClass().getSimpleName(), repeats));
        md.append("| model | parameters | plain step (s) | SAM / plain | GR / plain | GNR / plain | step GFLOP/s | GEMM GFLOP/s | fraction |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String model : models) {
            Network net = Models.build(model, 10, DataType.FLOAT, 1);
            SameDiffOracle oracle = new SameDiffOracle(net);
            Map<String, GradientEstimator> estimators = new LinkedHashMap<>();
            estimators.put("plain", Optim.plain());
            estimators.put("sam", Optim.sam(0.05));
            estimators.put("gr", Optim.gr(0.05, 0.8));
            estimators.put("gnr", Optim.gnr(0.1, 0.1));
            // interleaved rounds (one step of each estimator per round), so that drifts of this
            // shared machine hit every estimator alike; the median over rounds is reported
            Map<String, Optimizer> opts = new LinkedHashMap<>();
            Map<String, java.util.List<Double>> times = new LinkedHashMap<>();
            estimators.forEach((k, e) -> {
                opts.put(k, Optim.optimizer(Optim.adamW(1e-4, 0.03)).estimator(e));
                times.put(k, new java.util.ArrayList<>());
            });
            long step = 0;
            for (int round = 0; round < repeats + 1; round++) {
                progress.accept(model + ": round " + (round + 1) + " of " + (repeats + 1));
                for (Map.Entry<String, Optimizer> e : opts.entrySet()) {
                    oracle.setBatch(batch, 0, step++);
                    long t0 = System.nanoTime();
                    e.getValue().step(oracle);
                    if (round >= 1) {
                        times.get(e.getKey()).add((System.nanoTime() - t0) / 1e9);
                    }
                }
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            times.forEach((k, v) -> seconds.put(k, v.stream().sorted().toList().get(v.size() / 2)));
            double plain = seconds.get("plain");
            String flops = "n/a | n/a | n/a";
            VitConfig vc = Models.vit(model.contains(":") ? model.substring(0, model.indexOf(':')) : model);
            if (vc != null) {
                double stepFlops = 3 * forwardFlops(vc, batchSize, 10); // backward ≈ 2× forward
                double achieved = stepFlops / plain / 1e9;
                double gemm = gemmRate((long) batchSize * vc.tokens(), vc.hidden(), vc.mlp(), repeats) / 1e9;
                flops = String.format(Locale.ROOT, "%.1f | %.1f | %.0f%%", achieved, gemm, 100 * achieved / gemm);
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.2f× | %.2f× | %.2f× | %s |%n", model, net.parameterCount(), plain,
                    seconds.get("sam") / plain, seconds.get("gr") / plain, seconds.get("gnr") / plain, flops));
        }
        return md.toString();
    }

    /** FLOP/s of ND4J's float32 GEMM [m, k]·[k, n] (median of {@code repeats}). */
    static double gemmRate(long m, long k, long n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        double ms = OptimBenchmark.medianMs(repeats + 2, 2, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
        return 2.0 * m * k * n / (ms / 1e3);
    }

    /** Writes the report to {@code out} (Markdown) and returns it. */
    public static String runTo(Path out, String[] models, int batch, int repeats, Consumer<String> progress) throws IOException {
        String md = "# trainer benchmark\n\n" + run(models, batch, repeats, progress);
        org.gradreg.optim.io.AtomicFiles.writeString(out, md);
        return md;
    }
}
