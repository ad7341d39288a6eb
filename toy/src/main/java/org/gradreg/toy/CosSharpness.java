package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * GNR paper, Figure 1a: L₁ = cos(πθ + π) and L₂ = cos(3πθ + π) on [−1, 1] share the minimum θ = 0
 * (L = −1), L₂ three times as sharp. R^SAM_ρ and R^GNR_ρ (optim's {@link Sharpness}, inner maxima
 * solved numerically) against θ at ρ = 0.25, and at θ = 0 against ρ ∈ (0, 1]. The paper: at θ = 0,
 * ρ = 1 both have R^SAM = 2, while R^GNR = π and 3π.
 */
public final class CosSharpness implements Reproduction {

    static final VectorFunction L1 = cos(1);
    static final VectorFunction L2 = cos(3);
    static final double RHO_CURVE = 0.25;

    static VectorFunction cos(double k) {
        return VectorFunction.of(t -> Math.cos(k * Math.PI * t[0] + Math.PI), t -> new double[] {-k * Math.PI * Math.sin(k * Math.PI * t[0] + Math.PI)});
    }

    @Override
    public String name() {
        return "gnr-fig1a";
    }

    @Override
    public String title() {
        return "GNR paper Fig. 1a: R^SAM and R^GNR of cos(πθ+π) and cos(3πθ+π)";
    }

    @Override
    public ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException {
        int n = quick ? 41 : 201;
        List<List<Object>> rows = new ArrayList<>();
        double[] th = new double[n];
        double[][] ys = new double[6][n];
        for (int i = 0; i < n; i++) {
            double t = -1 + 2.0 * i / (n - 1);
            th[i] = t;
            double[] p = {t};
            ys[0][i] = L1.value(p);
            ys[1][i] = L2.value(p);
            ys[2][i] = Sharpness.sam(L1, p, RHO_CURVE);
            ys[3][i] = Sharpness.sam(L2, p, RHO_CURVE);
            ys[4][i] = Sharpness.gnr(L1, p, RHO_CURVE);
            ys[5][i] = Sharpness.gnr(L2, p, RHO_CURVE);
            rows.add(List.of(t, ys[0][i], ys[1][i], ys[2][i], ys[3][i], ys[4][i], ys[5][i]));
        }
        Output.csv(out.resolve("theta.csv"), List.of("theta", "L1", "L2", "rsam_L1", "rsam_L2", "rgnr_L1", "rgnr_L2"), rows);
        int m = quick ? 10 : 40;
        List<List<Object>> sweep = new ArrayList<>();
        double[] rhos = new double[m];
        double[][] zs = new double[4][m];
        for (int i = 0; i < m; i++) {
            double rho = (i + 1.0) / m;
            rhos[i] = rho;
            double[] z = {0};
            zs[0][i] = Sharpness.sam(L1, z, rho);
            zs[1][i] = Sharpness.sam(L2, z, rho);
            zs[2][i] = Sharpness.gnr(L1, z, rho);
            zs[3][i] = Sharpness.gnr(L2, z, rho);
            sweep.add(List.of(rho, zs[0][i], zs[1][i], zs[2][i], zs[3][i]));
        }
        Output.csv(out.resolve("rho.csv"), List.of("rho", "rsam_L1", "rsam_L2", "rgnr_L1", "rgnr_L2"), sweep);
        progress.accept("sharpness curves computed");

        XYChart a = new XYChartBuilder().width(900).height(520).title("R^SAM and R^GNR at ρ = 0.25 (GNR Fig. 1a)").xAxisTitle("θ")
                .yAxisTitle("value").build();
        String[] names = {"L1 = cos(πθ+π)", "L2 = cos(3πθ+π)", "R^SAM L1", "R^SAM L2", "R^GNR L1", "R^GNR L2"};
        for (int s = 0; s < 6; s++) {
            a.addSeries(names[s], th, ys[s]).setMarker(SeriesMarkers.NONE);
        }
        Output.png(out.resolve("theta.png"), a);
        XYChart b = new XYChartBuilder().width(900).height(520).title("At the minimum θ = 0, against ρ").xAxisTitle("ρ").yAxisTitle("sharpness")
                .build();
        String[] names2 = {"R^SAM L1", "R^SAM L2", "R^GNR L1", "R^GNR L2"};
        for (int s = 0; s < 4; s++) {
            b.addSeries(names2[s], rhos, zs[s]).setMarker(SeriesMarkers.NONE);
        }
        Output.png(out.resolve("rho.png"), b);

        Map<String, Double> num = new LinkedHashMap<>();
        num.put("rsam_L1_rho1", zs[0][m - 1]);
        num.put("rsam_L2_rho1", zs[1][m - 1]);
        num.put("rgnr_L1_rho1", zs[2][m - 1]);
        num.put("rgnr_L2_rho1", zs[3][m - 1]);
        List<String> summary = List.of(
                String.format(Locale.ROOT, "paper: at θ = 0, ρ = 1, R^SAM = 2 for both, R^GNR = π, 3π; measured R^SAM = %.6f, %.6f, R^GNR = %.6f, %.6f",
                        zs[0][m - 1], zs[1][m - 1], zs[2][m - 1], zs[3][m - 1]),
                String.format(Locale.ROOT, "R^SAM cannot tell the two minima apart at ρ = 1; R^GNR ranks L2 %.2f× sharper",
                        zs[3][m - 1] / zs[2][m - 1]));
        return new ToyResult(name(), num, summary, List.of("theta.csv", "theta.png", "rho.csv", "rho.png"));
    }
}
