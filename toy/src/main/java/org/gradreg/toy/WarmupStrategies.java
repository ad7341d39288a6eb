package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;

/**
 * Harmful-GR paper, Tables 1-2 and Figures 2/4 in miniature: on {@link MlpProblem} (full batch,
 * real train/test gap), Adam and RMSProp with LR warmup + cosine decay, each with no GR, GR
 * (eq. 10), r-warmup, λ-warmup and zero-warmup GR (eqs. 12-14); 5 initialisation seeds; the
 * gradient-norm curves and a mean ± std test-error table.
 */
public final class WarmupStrategies implements Reproduction {

    static final double R = 0.05;
    static final double ALPHA = 0.8;
    static final String[] METHODS = {"no GR", "GR", "r-warmup GR", "λ-warmup GR", "zero-warmup GR"};

    @Override
    public String name() {
        return "harmful-gr-warmup";
    }

    @Override
    public String title() {
        return "Harmful-GR paper Tables 1-2, Figs. 2/4: GR warmup strategies with Adam and RMSProp (5 seeds)";
    }

    static GradientEstimator estimator(String method, long warmup) {
        return switch (method) {
            case "no GR" -> Optim.plain();
            case "GR" -> Optim.gr(R, ALPHA);
            case "r-warmup GR" -> Optim.gr(R, ALPHA).rWarmup(warmup);
            case "λ-warmup GR" -> Optim.gr(R, ALPHA).lambdaWarmup(warmup);
            case "zero-warmup GR" -> Optim.gr(R, ALPHA).zeroWarmup(warmup);
            default -> throw new IllegalArgumentException(method);
        };
    }

    @Override
    public ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException {
        MlpProblem p = MlpProblem.standard(11);
        int steps = quick ? 120 : 400;
        long warmup = steps / 5;
        int seeds = quick ? 2 : 5;
        Map<String, Supplier<UpdateRule>> rules = new LinkedHashMap<>();
        Schedule lr = Schedule.warmupCosine(0.01, warmup, steps);
        rules.put("Adam", () -> Optim.adam(lr));
        rules.put("RMSProp", () -> org.gradreg.optim.rule.RmsProp.of(lr));
        Map<String, Double> num = new LinkedHashMap<>();
        List<List<Object>> table = new ArrayList<>();
        Map<String, double[]> curves = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("| method | ").append(String.join(" | ", rules.keySet())).append(" |\n|---|---|---|\n");
        Map<String, String[]> cells = new LinkedHashMap<>();
        int ri = 0;
        for (Map.Entry<String, Supplier<UpdateRule>> rule : rules.entrySet()) {
            for (String m : METHODS) {
                List<Double> errors = new ArrayList<>();
                List<double[]> gns = new ArrayList<>();
                for (int s = 0; s < seeds; s++) {
                    Optimizer opt = Optim.optimizer(rule.getValue().get()).estimator(estimator(m, warmup));
                    Training t = Training.run(p, opt, steps, s);
                    errors.add(100 * t.testError());
                    gns.add(t.gradNorm());
                    table.add(List.of(rule.getKey(), m, s, 100 * t.testError(), 100 * t.trainError(), t.finalGradNorm()));
                }
                DescriptiveStatistics st = Curves.stats(errors);
                String key = rule.getKey() + " " + m;
                num.put(key + " mean", st.getMean());
                num.put(key + " std", st.getStandardDeviation());
                curves.put(key, Curves.mean(gns));
                cells.computeIfAbsent(m, k -> new String[rules.size()])[ri] = String.format(Locale.ROOT, "%.2f ± %.2f", st.getMean(),
                        st.getStandardDeviation());
                progress.accept(key + ": test error " + cells.get(m)[ri] + " %");
            }
            ri++;
        }
        for (Map.Entry<String, String[]> c : cells.entrySet()) {
            md.append("| ").append(c.getKey()).append(" | ").append(String.join(" | ", c.getValue())).append(" |\n");
        }
        Output.csv(out.resolve("runs.csv"), List.of("rule", "method", "seed", "test_error_pct", "train_error_pct", "final_grad_norm"), table);
        Output.text(out.resolve("table.md"), "Test error (%), mean ± std over " + seeds + " seeds, " + p + ", " + steps + " full-batch steps, LR warmup "
                + warmup + " steps then cosine:\n\n" + md);
        Curves.write(out, "grad-norm", "‖g₁‖ during training (mean over seeds)", "‖∇L‖", curves);
        List<String> summary = new ArrayList<>();
        summary.add(p.description() + "; " + steps + " steps, " + seeds + " seeds"); // issue 22 item 17: the data, named
        summary.add("paper: GR with Adam/RMSProp under LR warmup can hurt; zero-warmup GR is best (Tables 1-2)");
        for (String rule : rules.keySet()) {
            summary.add(String.format(Locale.ROOT, "%s test error %%: no GR %.2f, GR %.2f, r-warmup %.2f, λ-warmup %.2f, zero-warmup %.2f", rule,
                    num.get(rule + " no GR mean"), num.get(rule + " GR mean"), num.get(rule + " r-warmup GR mean"),
                    num.get(rule + " λ-warmup GR mean"), num.get(rule + " zero-warmup GR mean")));
        }
        return new ToyResult(name(), num, summary, List.of("runs.csv", "table.md", "grad-norm.csv", "grad-norm.png"));
    }
}
