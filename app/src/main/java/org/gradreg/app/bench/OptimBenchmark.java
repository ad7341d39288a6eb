package org.gradreg.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The optim benchmark of issue 2: on a ~1M-parameter MLP (512-1024-512-10, batch 128, FLOAT),
 * (1) oracle evaluations per step of each estimator, and (2) the optimizer's own time per step,
 * excluding gradient evaluations, as a fraction of one gradient evaluation. (2) uses an oracle that
 * hands back a stored gradient, so what is timed is the estimator's vector work, the transforms
 * and the update rule (plus one copy of the stored gradient per evaluation, as a real oracle's
 * result also is a fresh tensor).
 */
public final class OptimBenchmark {

    static final int[] SIZES = {512, 1024, 512, 10};
    static final int BATCH = 128;

    private OptimBenchmark() {
    }

    /** Runs the benchmark and returns its Markdown report. */
    public static String run(int repeats) {
        SyntheticClassification data = SyntheticClassification.generate(SIZES[0], SIZES[3], 4096, 10, 1.0, 0.0, 7, DataType.FLOAT);
        MlpOracle mlp = new MlpOracle(SIZES, data.trainX(), data.trainY(), BATCH, 7);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Objective: %s; %d cores; ND4J backend %s; repeats %d (median).%n%n",
                mlp, Runtime.getRuntime().availableProcessors(), Nd4j.getBackend().getClass().getSimpleName(), repeats));

        double evalMs = medianMs(repeats + 5, 5, () -> mlp.evaluate(Pass.PRIMARY));
        md.append(String.format(Locale.ROOT, "One gradient evaluation (forward + backward): **%.2f ms**.%n%n", evalMs));

        Map<String, Supplier<GradientEstimator>> estimators = new LinkedHashMap<>();
        estimators.put("plain", Plain::of);
        estimators.put("SAM(rho=0.05)", () -> Sam.of(0.05));
        estimators.put("ASAM(rho=0.5)", () -> Sam.of(0.5).adaptive(0.01));
        estimators.put("GR(r=0.1, alpha=0.8)", () -> GradientRegularization.of(0.1, 0.8));
        estimators.put("GR code form", () -> GradientRegularization.of(0.1, 0.8).form(GradientRegularization.Form.NORMALIZED_G1));
        estimators.put("GR zero-warmup, in warmup", () -> GradientRegularization.of(0.1, 0.8).zeroWarmup(1_000_000));
        estimators.put("GNR(rho=0.1, alpha=0.1)", () -> Gnr.of(0.1, 0.1));
        estimators.put("SAM+GNR", () -> Gnr.of(0.1, 0.1).over(Sam.of(0.05)));

        Evaluation fixed = mlp.evaluate(Pass.PRIMARY);
        Oracle stored = new Oracle() {
            @Override
            public Params params() {
                return mlp.params();
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                return new Evaluation(fixed.loss(), fixed.gradient().copy());
            }
        };
        double copyMs = medianMs(repeats + 3, 3, () -> stored.evaluate(Pass.PRIMARY));

        md.append("| estimator (with Adam) | evaluations / step | optimizer time / step, ms | ÷ one evaluation |\n|---|---|---|---|\n");
        for (Map.Entry<String, Supplier<GradientEstimator>> e : estimators.entrySet()) {
            CountingOracle counting = new CountingOracle(mlp);
            Optimizer opt = Optimizer.of(Adam.of(1e-4)).estimator(e.getValue().get());
            int steps = 3;
            for (int i = 0; i < steps; i++) {
                opt.step(counting);
            }
            double perStep = (double) counting.count() / steps;
            Optimizer timed = Optimizer.of(Adam.of(1e-4)).estimator(e.getValue().get());
            double ms = medianMs(repeats + 3, 3, () -> timed.step(stored));
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.1f%% |%n", e.getKey(), perStep, ms, 100 * ms / evalMs));
        }
        md.append(String.format(Locale.ROOT, "%nThe optimizer times include %.2f ms per evaluation for copying the stored gradient.%n%n", copyMs));

        Map<String, Supplier<UpdateRule>> rules = new LinkedHashMap<>();
        rules.put("SGD", () -> Sgd.of(1e-3));
        rules.put("SGD Nesterov + L2", () -> org.gradreg.optim.transform.AddDecayedWeights.of(1e-3, org.gradreg.optim.rule.DecayMask.all()).before(Sgd.of(1e-3).momentum(0.9).nesterov()));
        rules.put("Adam", () -> Adam.of(1e-4));
        rules.put("AdamW", () -> AdamW.of(1e-4, 0.03));
        rules.put("AdamW + AGR (paper)", () -> AdamW.of(1e-4, 0.03).agr(Agr.Placement.PAPER));
        rules.put("AdamS", () -> AdamS.of(1e-4, 5e-4));
        rules.put("RMSProp", () -> RmsProp.of(1e-4));
        rules.put("Adan", () -> Adan.of(1e-4).weightDecay(0.02));
        md.append("| update rule (plain gradient, clip 5) | optimizer time / step, ms | ÷ one evaluation |\n|---|---|---|\n");
        for (Map.Entry<String, Supplier<UpdateRule>> e : rules.entrySet()) {
            Optimizer timed = Optimizer.of(e.getValue().get()).transform(new ClipByGlobalNorm(5.0));
            double ms = medianMs(repeats + 3, 3, () -> timed.step(stored));
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f%% |%n", e.getKey(), ms, 100 * ms / evalMs));
        }
        md.append("\nWhat the rules are made of — ND4J primitives on one tensor of 2²⁰ FLOAT elements, same run:\n\n")
                .append("| primitive | ms |\n|---|---|\n");
        INDArray x = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray y = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        Map<String, Runnable> prims = new LinkedHashMap<>();
        prims.put("in-place scale `x.muli(c)`", () -> x.muli(1.0));
        prims.put("BLAS axpy `y += a·x`", () -> Nd4j.getBlasWrapper().level1().axpy(x.length(), 1e-12, y, x));
        prims.put("in-place sqrt", () -> Transforms.sqrt(x, false));
        prims.put("reduction `norm2Number()`", () -> x.norm2Number());
        prims.put("allocation `dup()`", () -> x.dup());
        for (Map.Entry<String, Runnable> p : prims.entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f |%n", p.getKey(), medianMs(repeats + 3, 3, p.getValue())));
        }
        return md.toString();
    }

    static double medianMs(int runs, int warmup, Runnable r) {
        // start each figure from a collected heap: ND4J frees off-heap buffers only when their
        // Java wrappers are collected, so earlier figures' garbage would otherwise be paid here
        System.gc();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            long t1 = System.nanoTime();
            if (i >= warmup) {
                times.add((t1 - t0) / 1e6);
            }
        }
        double[] a = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[a.length / 2];
    }

    /** Writes the report to {@code out} (Markdown) and returns it. */
    public static String runTo(Path out, int repeats) throws IOException {
        String md = "# optim benchmark\n\n" + run(repeats);
        org.gradreg.common.io.AtomicFiles.writeString(out, md);
        return md;
    }

}
