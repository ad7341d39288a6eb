package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.rule.Sgd;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Penalizing-gradient-norm paper. (1) Figure 1 as a 1-D toy: two minima of equal depth, one flat
 * (width 0.5) and one sharp (width 0.1), L(θ) = −e^{−(θ+1)²/(2·0.5²)} − e^{−(θ−1)²/(2·0.1²)}; the
 * gradient norm around each against its curvature: the sharp minimum is surrounded by large
 * gradients, which is what penalizing ‖∇L‖ steers away from. (2) The α sweep
 * α ∈ {−0.5, −0.2, 0, 0.2, 0.5, 0.8, 1, 1.2, 1.5, 2} of GR (eq. 10, r = 0.05) with SGD + momentum
 * on {@link MlpProblem}: gradient-norm curves and final test error, 3 seeds. α = 0 is plain SGD,
 * α = 1 SAM; the paper reports α ∈ (0, 1) best and α outside [0, 1] worse.
 */
public final class GrAlphaSweep implements Reproduction {

    static final double[] ALPHAS = {-0.5, -0.2, 0, 0.2, 0.5, 0.8, 1, 1.2, 1.5, 2};
    static final double R = 0.05;

    @Override
    public String name() {
        return "gr-fig1-alpha";
    }

    @Override
    public String title() {
        return "Penalizing-gradient-norm paper: Fig. 1 (gradient norm vs flatness) and the α sweep";
    }

    /** The 1-D loss of part (1) and its derivative. */
    static double loss(double t) {
        return -Math.exp(-(t + 1) * (t + 1) / (2 * 0.25)) - Math.exp(-(t - 1) * (t - 1) / (2 * 0.01));
    }

    static double derivative(double t) {
        return (t + 1) / 0.25 * Math.exp(-(t + 1) * (t + 1) / (2 * 0.25)) + (t - 1) / 0.01 * Math.exp(-(t - 1) * (t - 1) / (2 * 0.01));
    }

    @Override
    public ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException {
        Map<String, Double> num = new LinkedHashMap<>();
        List<String> summary = new ArrayList<>();
        // (1) Figure 1
        int n = 801;
        double[] th = new double[n];
        double[] l = new double[n];
        double[] g = new double[n];
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            th[i] = -2 + 4.0 * i / (n - 1);
            l[i] = loss(th[i]);
            g[i] = Math.abs(derivative(th[i]));
            rows.add(List.of(th[i], l[i], g[i]));
        }
        Output.csv(out.resolve("fig1.csv"), List.of("theta", "loss", "grad_norm"), rows);
        XYChart f = new XYChartBuilder().width(900).height(520).title("A flat (θ = −1) and a sharp (θ = 1) minimum of equal depth").xAxisTitle("θ")
                .yAxisTitle("value").build();
        f.addSeries("L(θ)", th, l).setMarker(SeriesMarkers.NONE);
        f.addSeries("|∇L(θ)| / 10", th, java.util.Arrays.stream(g).map(v -> v / 10).toArray()).setMarker(SeriesMarkers.NONE);
        Output.png(out.resolve("fig1.png"), f);
        double rho = 0.1;
        for (double centre : new double[] {-1, 1}) {
            double max = 0;
            for (int i = 0; i <= 1000; i++) {
                max = Math.max(max, Math.abs(derivative(centre - rho + 2 * rho * i / 1000)));
            }
            double h = 1e-4;
            double curvature = (loss(centre + h) - 2 * loss(centre) + loss(centre - h)) / (h * h);
            String which = centre < 0 ? "flat" : "sharp";
            num.put(which + " max grad norm", max);
            num.put(which + " curvature", curvature);
        }
        summary.add(String.format(Locale.ROOT, "Fig. 1: max |∇L| within 0.1 of the flat minimum %.3f (curvature %.2f), of the sharp one %.3f (curvature %.1f)",
                num.get("flat max grad norm"), num.get("flat curvature"), num.get("sharp max grad norm"), num.get("sharp curvature")));

        // (2) α sweep
        MlpProblem p = MlpProblem.standard(11);
        int steps = quick ? 100 : 400;
        int seeds = quick ? 1 : 3;
        double[] alphas = quick ? new double[] {-0.5, 0, 0.8, 2} : ALPHAS;
        Map<String, double[]> curves = new LinkedHashMap<>();
        List<List<Object>> sweep = new ArrayList<>();
        double[] errs = new double[alphas.length];
        for (int a = 0; a < alphas.length; a++) {
            List<double[]> gns = new ArrayList<>();
            double err = 0;
            double gn = 0;
            for (int s = 0; s < seeds; s++) {
                Optimizer opt = Optim.optimizer(Sgd.of(Optim.warmupCosine(0.1, steps / 10, steps)).momentum(0.9)).estimator(Optim.gr(R, alphas[a]));
                Training t = Training.run(p, opt, steps, s);
                gns.add(t.gradNorm());
                err += 100 * t.testError() / seeds;
                gn += t.finalGradNorm() / seeds;
            }
            errs[a] = err;
            curves.put(String.format(Locale.ROOT, "α = %.1f", alphas[a]), Curves.mean(gns));
            sweep.add(List.of(alphas[a], err, gn));
            num.put(String.format(Locale.ROOT, "test error alpha=%.1f", alphas[a]), err);
            progress.accept(String.format(Locale.ROOT, "α = %.1f: test error %.2f %%, final ‖∇L‖ %.4g", alphas[a], err, gn));
        }
        Output.csv(out.resolve("alpha.csv"), List.of("alpha", "test_error_pct", "final_grad_norm"), sweep);
        Curves.write(out, "alpha-grad-norm", "‖∇L‖ during training, GR with r = 0.05 (mean of " + seeds + " seeds)", "‖∇L‖", curves);
        XYChart e = new XYChartBuilder().width(700).height(450).title("Final test error against α").xAxisTitle("α").yAxisTitle("test error (%)").build();
        e.addSeries("GR, r = 0.05", alphas, errs);
        Output.png(out.resolve("alpha.png"), e);
        int best = 0;
        for (int a = 1; a < alphas.length; a++) {
            if (errs[a] < errs[best]) {
                best = a;
            }
        }
        num.put("best alpha", alphas[best]);
        summary.add("α sweep, " + p.description() + "; SGD with momentum 0.9, GR r = " + R + ", " + steps + " steps, " + seeds + " seeds");
        summary.add(String.format(Locale.ROOT, "paper: α in (0, 1) best, α < 0 and α > 1 worse; measured: best α = %.1f (%.2f %%), α = 0 %.2f %%, α = %.1f %.2f %%, α = %.1f %.2f %%",
                alphas[best], errs[best], num.get("test error alpha=0.0"), alphas[0], errs[0], alphas[alphas.length - 1], errs[alphas.length - 1]));
        if (!(alphas[best] > 0 && alphas[best] < 1)) { // issue 22 item 17: say it when the measurement goes against the paper
            summary.add(String.format(Locale.ROOT, "against the paper: the best α here, %.1f, is outside (0, 1); on this small problem and "
                    + "with these seeds the α ordering of the paper is not reproduced", alphas[best]));
        }
        return new ToyResult(name(), num, summary, List.of("fig1.csv", "fig1.png", "alpha.csv", "alpha.png", "alpha-grad-norm.csv", "alpha-grad-norm.png"));
    }
}
