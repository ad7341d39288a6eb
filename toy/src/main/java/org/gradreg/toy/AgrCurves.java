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
import org.gradreg.optim.Optim;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.transform.Agr;

/**
 * AGR paper in miniature: training-loss curves of AdamW against AdamW+AGR in both placements
 * (PAPER: Ψ(g) feeds the first moment only, Algorithm 2; CODE: Ψ(g) feeds both moments, the
 * official code) and Adan against Adan+AGR, on {@link MlpProblem}, 3 seeds (mean curves).
 */
public final class AgrCurves implements Reproduction {

    @Override
    public String name() {
        return "agr-curves";
    }

    @Override
    public String title() {
        return "AGR paper: AdamW vs AdamW+AGR (both placements), Adan vs Adan+AGR loss curves";
    }

    @Override
    public ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException {
        MlpProblem p = MlpProblem.standard(11);
        int steps = quick ? 150 : 500;
        int seeds = quick ? 1 : 3;
        var lr = Optim.warmupCosine(0.01, steps / 10, steps);
        Map<String, Supplier<UpdateRule>> rules = new LinkedHashMap<>();
        rules.put("AdamW", () -> Optim.adamW(lr).weightDecay(0.01));
        rules.put("AdamW+AGR (paper)", () -> Optim.adamW(lr).weightDecay(0.01).agr(Agr.Placement.PAPER));
        rules.put("AdamW+AGR (code)", () -> Optim.adamW(lr).weightDecay(0.01).agr(Agr.Placement.CODE));
        rules.put("Adan", () -> org.gradreg.optim.rule.Adan.of(lr).weightDecay(0.01));
        rules.put("Adan+AGR (paper)", () -> org.gradreg.optim.rule.Adan.of(lr).weightDecay(0.01).agr(Agr.Placement.PAPER));
        Map<String, double[]> curves = new LinkedHashMap<>();
        Map<String, Double> num = new LinkedHashMap<>();
        List<List<Object>> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        summary.add(p.description() + "; " + steps + " steps, " + seeds + " seeds"); // issue 22 item 17: the data, named
        summary.add("paper: AGR speeds up and stabilises training of AdamW and Adan");
        for (Map.Entry<String, Supplier<UpdateRule>> e : rules.entrySet()) {
            List<double[]> losses = new ArrayList<>();
            double err = 0;
            for (int s = 0; s < seeds; s++) {
                Training t = Training.run(p, Optim.optimizer(e.getValue().get()), steps, s);
                losses.add(t.loss());
                err += 100 * t.testError() / seeds;
            }
            double[] m = Curves.mean(losses);
            curves.put(e.getKey(), m);
            num.put(e.getKey() + " final loss", m[m.length - 1]);
            num.put(e.getKey() + " test error", err);
            rows.add(List.of(e.getKey(), m[m.length / 4], m[m.length - 1], err));
            summary.add(String.format(Locale.ROOT, "%s: training loss %.4f at step %d, %.4f at the end; test error %.2f %%", e.getKey(),
                    m[m.length / 4], m.length / 4, m[m.length - 1], err));
            progress.accept(summary.get(summary.size() - 1));
        }
        Curves.write(out, "loss", "Training loss (mean of " + seeds + " seeds)", "loss", curves);
        Output.csv(out.resolve("summary.csv"), List.of("optimizer", "loss_quarter", "loss_final", "test_error_pct"), rows);
        return new ToyResult(name(), num, summary, List.of("loss.csv", "loss.png", "summary.csv"));
    }
}
