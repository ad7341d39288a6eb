package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * GNR paper §2 (SAM's sharpness vs the gradient-norm sharpness), searched systematically.
 * <ol>
 *   <li>Seeded families — 1-D random trigonometric polynomials on [−π, π] and 2-D sums of four
 *       Gaussian wells — are searched for pairs of minima of one function that R^SAM_ρ rates equally
 *       sharp (within {@value #EQUAL} relative) while R^GNR_ρ separates them (ratio ≥ {@value #SEPARATE}),
 *       and the reverse. Sharpness is optim's {@link Sharpness} (inner maxima solved numerically), ρ = 0.3.</li>
 *   <li>SGD, Adam, SGD+SAM, SGD+GR and SGD+GNR from seeded random starts on a 2-D landscape with a
 *       wide basin and a narrow rippled basin (several minima within ρ of each other): the basin
 *       each ends in and the final Hessian's largest eigenvalue (exact, forward mode + EJML).</li>
 * </ol>
 */
public final class SamGnrCounterexamples implements Reproduction {

    static final double RHO = 0.3;
    /** The search also runs at a radius that covers whole basins, where R^SAM saturates at the barrier height (as in the cos example). */
    static final double[] SEARCH_RHOS = {RHO, 1.0};
    static final double EQUAL = 0.05;
    static final double SEPARATE = 1.25;

    @Override
    public String name() {
        return "sam-vs-gnr";
    }

    @Override
    public String title() {
        return "GNR paper §2: minima R^SAM calls equally sharp but R^GNR separates (and the reverse); which basin each method finds";
    }

    /** f(θ) = Σ_{k=1..4} (a_k cos kθ + b_k sin kθ)/√k, seeded. */
    static VectorFunction trig(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[5];
        double[] b = new double[5];
        for (int k = 1; k <= 4; k++) {
            a[k] = r.nextGaussian() / Math.sqrt(k);
            b[k] = r.nextGaussian() / Math.sqrt(k);
        }
        return VectorFunction.of(t -> {
            double v = 0;
            for (int k = 1; k <= 4; k++) {
                v += a[k] * Math.cos(k * t[0]) + b[k] * Math.sin(k * t[0]);
            }
            return v;
        }, t -> {
            double g = 0;
            for (int k = 1; k <= 4; k++) {
                g += -k * a[k] * Math.sin(k * t[0]) + k * b[k] * Math.cos(k * t[0]);
            }
            return new double[] {g};
        });
    }

    /** −Σⱼ dⱼ exp(−‖x − cⱼ‖²/(2sⱼ²)), four seeded wells in [−2, 2]². */
    static ForwardMode wells(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] c = new double[4][2];
        double[] s = new double[4];
        double[] d = new double[4];
        for (int j = 0; j < 4; j++) {
            c[j][0] = r.nextDouble(-2, 2);
            c[j][1] = r.nextDouble(-2, 2);
            s[j] = r.nextDouble(0.2, 0.8);
            d[j] = r.nextDouble(0.5, 1.5);
        }
        return new ForwardMode(2, x -> {
            DerivativeStructure v = x[0].getField().getZero();
            for (int j = 0; j < 4; j++) {
                DerivativeStructure dx = x[0].subtract(c[j][0]);
                DerivativeStructure dy = x[1].subtract(c[j][1]);
                v = v.subtract(dx.multiply(dx).add(dy.multiply(dy)).divide(-2 * s[j] * s[j]).exp().multiply(d[j]));
            }
            return v;
        });
    }

    /** Local minima of a 1-D function on [−π, π): grid minima refined by Newton-free bisection on f'. */
    static List<double[]> minima1d(VectorFunction f) {
        int n = 2000;
        List<double[]> out = new ArrayList<>();
        double h = 2 * Math.PI / n;
        for (int i = 0; i < n; i++) {
            double lo = -Math.PI + i * h;
            double hi = lo + h;
            double glo = f.gradient(new double[] {lo})[0];
            double ghi = f.gradient(new double[] {hi})[0];
            if (glo < 0 && ghi >= 0) {
                for (int it = 0; it < 60; it++) {
                    double mid = (lo + hi) / 2;
                    if (f.gradient(new double[] {mid})[0] < 0) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                out.add(new double[] {(lo + hi) / 2});
            }
        }
        return out;
    }

    /** Local minima of a 2-D function: gradient descent from a 7×7 grid of starts, deduplicated, Hessian positive definite. */
    static List<double[]> minima2d(ForwardMode f) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                double[] x = {-2.4 + 0.8 * i, -2.4 + 0.8 * j};
                for (int it = 0; it < 3000; it++) {
                    double[] g = f.gradient(x);
                    x[0] -= 0.05 * g[0];
                    x[1] -= 0.05 * g[1];
                    if (Math.hypot(g[0], g[1]) < 1e-10) {
                        break;
                    }
                }
                double[] g = f.gradient(x);
                if (Math.hypot(g[0], g[1]) > 1e-7 || Math.abs(x[0]) > 3 || Math.abs(x[1]) > 3) {
                    continue;
                }
                var eig = f.hessian(x).eig();
                if (eig.getEigenvalue(0).getReal() <= 1e-6 || eig.getEigenvalue(1).getReal() <= 1e-6) {
                    continue;
                }
                boolean dup = false;
                for (double[] m : out) {
                    dup |= Math.hypot(m[0] - x[0], m[1] - x[1]) < 1e-4;
                }
                if (!dup) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** Pair statistics of one function: rows (family, seed, i, j, rsam_i, rsam_j, rgnr_i, rgnr_j, kind). */
    static void pairs(String family, long seed, VectorFunction f, List<double[]> minima, double rho, List<List<Object>> rows) {
        double[] rs = new double[minima.size()];
        double[] rg = new double[minima.size()];
        for (int i = 0; i < minima.size(); i++) {
            rs[i] = Sharpness.sam(f, minima.get(i), rho);
            rg[i] = Sharpness.gnr(f, minima.get(i), rho);
        }
        for (int i = 0; i < minima.size(); i++) {
            for (int j = i + 1; j < minima.size(); j++) {
                rows.add(List.of(family, seed, rho, java.util.Arrays.toString(minima.get(i)), java.util.Arrays.toString(minima.get(j)), rs[i], rs[j],
                        rg[i], rg[j], kind(rs[i], rs[j], rg[i], rg[j])));
            }
        }
    }

    /** "sam-equal-gnr-separates", "gnr-equal-sam-separates" or "". */
    static String kind(double s1, double s2, double g1, double g2) {
        boolean samEqual = Math.abs(s1 - s2) <= EQUAL * Math.max(s1, s2);
        boolean gnrEqual = Math.abs(g1 - g2) <= EQUAL * Math.max(g1, g2);
        boolean samSeparates = Math.max(s1, s2) >= SEPARATE * Math.min(s1, s2);
        boolean gnrSeparates = Math.max(g1, g2) >= SEPARATE * Math.min(g1, g2);
        return samEqual && gnrSeparates ? "sam-equal-gnr-separates" : gnrEqual && samSeparates ? "gnr-equal-sam-separates" : "";
    }

    /** The basin landscape: a wide well at (−1.2, 0), a deeper narrow one at (1, 0) rippled into several minima. */
    static final ForwardMode BASINS = new ForwardMode(2, x -> {
        DerivativeStructure wx = x[0].add(1.2);
        DerivativeStructure wide = wx.multiply(wx).add(x[1].multiply(x[1])).divide(-2 * 0.6 * 0.6).exp().negate();
        DerivativeStructure nx = x[0].subtract(1);
        DerivativeStructure env = nx.multiply(nx).add(x[1].multiply(x[1])).divide(-2 * 0.3 * 0.3).exp();
        DerivativeStructure ripple = x[0].multiply(20).cos().multiply(x[1].multiply(20).cos()).multiply(0.08).add(1.3);
        return wide.subtract(env.multiply(ripple)).add(x[0].multiply(x[0]).add(x[1].multiply(x[1])).multiply(0.02));
    });

    @Override
    public ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException {
        int n1 = quick ? 15 : 80;
        int n2 = quick ? 4 : 25;
        List<List<Object>> rows = new ArrayList<>();
        for (long s = 0; s < n1; s++) {
            VectorFunction f = trig(s);
            List<double[]> m = minima1d(f);
            for (double rho : SEARCH_RHOS) {
                pairs("trig-1d", s, f, m, rho, rows);
            }
        }
        progress.accept("1-D search: " + n1 + " functions");
        for (long s = 0; s < n2; s++) {
            ForwardMode f = wells(s);
            List<double[]> m = minima2d(f);
            for (double rho : SEARCH_RHOS) {
                pairs("wells-2d", s, f.asVectorFunction(), m, rho, rows);
            }
        }
        progress.accept("2-D search: " + n2 + " functions");
        Output.csv(out.resolve("pairs.csv"), List.of("family", "seed", "rho", "minimum_i", "minimum_j", "rsam_i", "rsam_j", "rgnr_i", "rgnr_j", "kind"), rows);
        Map<String, Double> num = new LinkedHashMap<>();
        num.put("pairs", (double) rows.size());
        for (double rho : SEARCH_RHOS) {
            for (String k : new String[] {"sam-equal-gnr-separates", "gnr-equal-sam-separates"}) {
                num.put(k + " rho=" + rho, (double) rows.stream().filter(r -> (double) r.get(2) == rho && r.get(9).equals(k)).count());
            }
            num.put("pairs rho=" + rho, (double) rows.stream().filter(r -> (double) r.get(2) == rho).count());
        }
        XYChart sc = new XYChartBuilder().width(800).height(600).title("Pairs of minima: sharpness ratios (ρ = 0.3 and 1)")
                .xAxisTitle("R^SAM ratio (larger/smaller)").yAxisTitle("R^GNR ratio (larger/smaller)").build();
        sc.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        for (String fam : new String[] {"trig-1d", "wells-2d"}) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (List<Object> r : rows) {
                if (r.get(0).equals(fam)) {
                    double s1 = (double) r.get(5);
                    double s2 = (double) r.get(6);
                    double g1 = (double) r.get(7);
                    double g2 = (double) r.get(8);
                    xs.add(Math.max(s1, s2) / Math.min(s1, s2));
                    ys.add(Math.max(g1, g2) / Math.min(g1, g2));
                }
            }
            if (!xs.isEmpty()) {
                sc.addSeries(fam, xs, ys);
            }
        }
        Output.png(out.resolve("pairs.png"), sc);

        // part 2: which basin
        int starts = quick ? 10 : 50;
        int steps = quick ? 300 : 800;
        Map<String, Supplier<Optimizer>> methods = new LinkedHashMap<>();
        methods.put("SGD", () -> Optim.optimizer(Optim.sgd(0.02)));
        methods.put("Adam", () -> Optim.optimizer(Optim.adam(0.01)));
        methods.put("SGD+SAM", () -> Optim.optimizer(Optim.sgd(0.02)).estimator(Optim.sam(RHO)));
        methods.put("SGD+GR", () -> Optim.optimizer(Optim.sgd(0.02)).estimator(Optim.gr(RHO, 0.8)));
        methods.put("SGD+GNR", () -> Optim.optimizer(Optim.sgd(0.02)).estimator(Optim.gnr(RHO, 0.5)));
        VectorFunction basins = BASINS.asVectorFunction();
        List<List<Object>> table = new ArrayList<>();
        List<List<Object>> finals = new ArrayList<>();
        for (Map.Entry<String, Supplier<Optimizer>> m : methods.entrySet()) {
            int narrow = 0;
            double lambda = 0;
            SplittableRandom r = new SplittableRandom(99);
            for (int s = 0; s < starts; s++) {
                double[] x0 = {r.nextDouble(-2.5, 2.5), r.nextDouble(-1.5, 1.5)};
                FunctionOracle o = FunctionOracle.of(basins, x0);
                m.getValue().get().run(o, steps);
                double[] x = o.theta();
                double lm = BASINS.lambdaMax(x);
                boolean inNarrow = x[0] > 0;
                narrow += inNarrow ? 1 : 0;
                lambda += lm / starts;
                finals.add(List.of(m.getKey(), s, x0[0], x0[1], x[0], x[1], BASINS.value(x), lm, inNarrow ? "narrow" : "wide"));
            }
            table.add(List.of(m.getKey(), starts - narrow, narrow, lambda));
            num.put(m.getKey() + " narrow fraction", (double) narrow / starts);
            num.put(m.getKey() + " mean lambda max", lambda);
            progress.accept(String.format(Locale.ROOT, "%s: %d of %d starts end in the narrow basin, mean final λ_max %.2f", m.getKey(), narrow, starts, lambda));
        }
        Output.csv(out.resolve("basins.csv"), List.of("method", "wide", "narrow", "mean_final_lambda_max"), table);
        Output.csv(out.resolve("basin-runs.csv"), List.of("method", "start", "x0", "y0", "x", "y", "loss", "lambda_max", "basin"), finals);
        List<String> summary = new ArrayList<>();
        summary.add("paper: R^SAM can rate minima of different sharpness equally (cos example); R^GNR separates them");
        for (double rho : SEARCH_RHOS) {
            summary.add(String.format(Locale.ROOT, "ρ = %.1f: of %d pairs of minima, R^SAM equal (±5%%) but R^GNR ratio ≥ 1.25: %d; the reverse: %d", rho,
                    num.get("pairs rho=" + rho).intValue(), num.get("sam-equal-gnr-separates rho=" + rho).intValue(),
                    num.get("gnr-equal-sam-separates rho=" + rho).intValue()));
        }
        StringBuilder b = new StringBuilder("narrow-basin fraction / mean final λ_max:");
        for (String m : methods.keySet()) {
            b.append(String.format(Locale.ROOT, " %s %.2f / %.1f;", m, num.get(m + " narrow fraction"), num.get(m + " mean lambda max")));
        }
        summary.add(b.toString());
        return new ToyResult(name(), num, summary, List.of("pairs.csv", "pairs.png", "basins.csv", "basin-runs.csv"));
    }
}
