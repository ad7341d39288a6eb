package org.gradreg.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.app.bench.MlpOracle;
import org.gradreg.app.bench.SyntheticClassification;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.StepInfo;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every update rule and gradient estimator of optim on one built-in problem: a small MLP
 * (20-64-64-5) on a seeded synthetic classification set with 15% label noise in its 384 training
 * points, so that flatter solutions can show in the test error. Each configuration starts from the
 * same weights and sees the same mini-batches.
 */
public final class OptimizerComparison {

    public static final int STEPS = 400;
    public static final int TRAIN = 384;
    public static final int WARMUP = 40;
    public static final int[] SIZES = {20, 64, 64, 5};
    /** The GR paper's coupled L2 for SGD (1e-3 on every tensor). */
    private static final AddDecayedWeights L2 = AddDecayedWeights.of(1e-3, DecayMask.all());

    /** One row of the comparison. */
    public record Row(String name, String optimizer, double trainLoss, double trainError, double testError,
                      double finalGradNorm, double evaluationsPerStep) {
    }

    private OptimizerComparison() {
    }

    static Map<String, Supplier<Optimizer>> configurations() {
        Schedule lr = Schedule.warmupCosine(3e-3, WARMUP, STEPS);
        Schedule sgdLr = Schedule.warmupCosine(0.05, WARMUP, STEPS);
        Map<String, Supplier<Optimizer>> c = new LinkedHashMap<>();
        c.put("SGD Nesterov", () -> Optimizer.of(L2.before(Sgd.of(sgdLr).momentum(0.9).nesterov())));
        c.put("SGD Nesterov + SAM", () -> Optimizer.of(L2.before(Sgd.of(sgdLr).momentum(0.9).nesterov())).estimator(Sam.of(0.05)));
        c.put("SGD Nesterov + GR", () -> Optimizer.of(L2.before(Sgd.of(sgdLr).momentum(0.9).nesterov())).estimator(GradientRegularization.of(0.05, 0.8)));
        c.put("SGD Nesterov + SAM + GNR", () -> Optimizer.of(L2.before(Sgd.of(sgdLr).momentum(0.9).nesterov())).estimator(Gnr.of(0.05, 0.1).over(Sam.of(0.05))));
        c.put("Adam", () -> Optimizer.of(Adam.of(lr)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + SAM", () -> Optimizer.of(Adam.of(lr)).estimator(Sam.of(0.05)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + ASAM", () -> Optimizer.of(Adam.of(lr)).estimator(Sam.of(0.5).adaptive(0.01)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + GR", () -> Optimizer.of(Adam.of(lr)).estimator(GradientRegularization.of(0.05, 0.8)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + GR r-warmup", () -> Optimizer.of(Adam.of(lr)).estimator(GradientRegularization.of(0.05, 0.8).rWarmup(WARMUP)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + GR lambda-warmup", () -> Optimizer.of(Adam.of(lr)).estimator(GradientRegularization.of(0.05, 0.8).lambdaWarmup(WARMUP)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + GR zero-warmup", () -> Optimizer.of(Adam.of(lr)).estimator(GradientRegularization.of(0.05, 0.8).zeroWarmup(WARMUP)).transform(new ClipByGlobalNorm(5)));
        c.put("Adam + GNR", () -> Optimizer.of(Adam.of(lr)).estimator(Gnr.of(0.05, 0.1)).transform(new ClipByGlobalNorm(5)));
        c.put("AdamW", () -> Optimizer.of(AdamW.of(lr).weightDecay(0.05)));
        c.put("AdamW + AGR (paper)", () -> Optimizer.of(AdamW.of(lr).weightDecay(0.05).agr(Agr.Placement.PAPER)));
        c.put("AdamW + AGR (code)", () -> Optimizer.of(AdamW.of(lr).weightDecay(0.05).agr(Agr.Placement.CODE)));
        c.put("AdamS", () -> Optimizer.of(AdamS.of(lr).weightDecay(5e-4)));
        c.put("RMSProp", () -> Optimizer.of(RmsProp.of(Schedule.warmupCosine(1e-3, WARMUP, STEPS))));
        c.put("Adan", () -> Optimizer.of(Adan.of(lr).weightDecay(0.02)));
        c.put("Adan + AGR (paper)", () -> Optimizer.of(Adan.of(lr).weightDecay(0.02).agr(Agr.Placement.PAPER)));
        return c;
    }

    /** Runs every configuration; {@code progress} gets one line per configuration. */
    public static List<Row> run(long seed, java.util.function.Consumer<String> progress) {
        SyntheticClassification data = SyntheticClassification.generate(SIZES[0], SIZES[3], TRAIN, 2000, 0.6, 0.15, seed, DataType.DOUBLE);
        List<Row> rows = new ArrayList<>();
        Map<String, Supplier<Optimizer>> configs = configurations();
        int i = 0;
        for (Map.Entry<String, Supplier<Optimizer>> e : configs.entrySet()) {
            progress.accept(String.format(Locale.ROOT, "[%d/%d] %s", ++i, configs.size(), e.getKey()));
            MlpOracle model = new MlpOracle(SIZES, data.trainX(), data.trainY(), 32, seed);
            Optimizer opt = e.getValue().get();
            long evals = 0;
            StepInfo last = null;
            for (int s = 0; s < STEPS; s++) {
                last = opt.step(model);
                evals += last.evaluations();
                model.nextBatch();
            }
            double[] train = model.lossAndError(data.trainX(), data.trainY());
            double[] test = model.lossAndError(data.testX(), data.testY());
            rows.add(new Row(e.getKey(), opt.toString(), train[0], train[1], test[1], last.gradNorm(), (double) evals / STEPS));
        }
        return rows;
    }

    /**
     * The rows as a Markdown table, errors in percent. The cost of a configuration is its
     * evaluations (forward-backward passes) per step; wall-clock times of 400 steps of a tiny MLP,
     * measured one configuration after another in one JVM, were JIT warm-up and noise (a
     * 2-evaluation SAM step showed 5.9 ms against 16.5 ms for the first, plain one; issue 22 item 16),
     * so they are not shown: docs/benchmarks.md measures speed side by side.
     */
    public static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("| configuration | train loss | train error % | test error % | final ‖g₁‖ | evaluations / step |\n"
                + "|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f | %.1f | %.3g | %.2f |%n", r.name(), r.trainLoss(),
                    100 * r.trainError(), 100 * r.testError(), r.finalGradNorm(), r.evaluationsPerStep()));
        }
        return md.toString();
    }

    /** Writes {@code optimizers.csv} and {@code optimizers.md} into {@code dir}. */
    public static void write(List<Row> rows, Path dir) throws IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("configuration", "optimizer", "train_loss",
                     "train_error", "test_error", "final_grad_norm", "evaluations_per_step").build())) {
            for (Row r : rows) {
                csv.printRecord(r.name(), r.optimizer(), r.trainLoss(), r.trainError(), r.testError(), r.finalGradNorm(),
                        r.evaluationsPerStep());
            }
        }
        AtomicFiles.writeString(dir.resolve("optimizers.csv"), w.toString());
        String md = "# Optimizer comparison\n\nMLP " + java.util.Arrays.toString(SIZES) + ", " + STEPS + " steps of batch 32 with "
                + WARMUP + " warmup steps, " + TRAIN + " training points (15% noisy labels), 2000 test points, seed fixed. "
                + "Every configuration starts from the same weights and sees the same batches.\n\n" + markdown(rows);
        AtomicFiles.writeString(dir.resolve("optimizers.md"), md);
    }
}
