package org.gradreg.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.run.Metrics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The distribution over coordinates of the per-coordinate Var(ψᵢ) probes ({@code measure.psiEvery})
 * against the step: for each group of a panel, the median over the counted coordinates (solid, with a
 * marker at each probe) and the 10% and 90% quantiles (dashed), each the mean over seeds of the
 * per-seed value at that probe; x is the probe's step. Seeds are paired by probe index, so only as
 * many probes as the seed with the fewest are drawn.
 */
final class ProbeFigure {

    private ProbeFigure() {
    }

    /** Whether any group of {@code panel} in {@code column} has probes. */
    static boolean any(Collection<Group> groups, String column, String panel) {
        return groups.stream().anyMatch(g -> g.column().equals(column) && g.panel().equals(panel) && !g.probes().isEmpty());
    }

    /** Writes the figure; {@code title} names what is drawn (the Markdown names model and data). */
    static void write(Collection<Group> groups, String column, String panel, String title, Path file) throws IOException {
        XYChart chart = chart(groups, column, panel, title);
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /** The chart {@link #write} saves. */
    static XYChart chart(Collection<Group> groups, String column, String panel, String title) {
        XYChart chart = new XYChartBuilder().width(1100).height(620).title(title).xAxisTitle("step")
                .yAxisTitle("log₁₀ Var(ψᵢ) over the probe's mini-batches").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setYAxisDecimalPattern("0.#");
        int i = 0;
        for (Group g : groups) {
            if (!g.column().equals(column) || !g.panel().equals(panel) || g.probes().isEmpty()) {
                continue;
            }
            List<List<Metrics.PsiProbe>> seeds = g.probes();
            int n = seeds.stream().mapToInt(List::size).min().orElse(0);
            if (n == 0) {
                continue;
            }
            double[] x = new double[n];
            for (int k = 0; k < n; k++) {
                x[k] = seeds.get(0).get(k).step();
            }
            Color c = FigureStyle.color(i);
            String label = g.row() + " (" + seeds.size() + (seeds.size() == 1 ? " seed)" : " seeds)");
            XYSeries median = chart.addSeries(label + ": median over coordinates", x, meanOverSeeds(seeds, n, Metrics.PsiProbe::medianLog10Var));
            median.setLineColor(c);
            median.setMarker(SeriesMarkers.CIRCLE);
            median.setMarkerColor(c);
            float[] dash = {6f, 5f};
            for (boolean low : new boolean[] {true, false}) {
                XYSeries q = chart.addSeries(label + (low ? ": 10% and 90% quantiles" : " 90%"), x,
                        meanOverSeeds(seeds, n, low ? Metrics.PsiProbe::q10Log10Var : Metrics.PsiProbe::q90Log10Var));
                q.setLineColor(c);
                q.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
                q.setMarker(SeriesMarkers.NONE);
                q.setShowInLegend(low);
            }
            i++;
        }
        FigureStyle.readable(chart);
        return chart;
    }

    /** Per probe index k &lt; n, the mean over seeds of {@code f} (non-finite values left out; NaN if none). */
    static double[] meanOverSeeds(List<List<Metrics.PsiProbe>> seeds, int n, ToDoubleFunction<Metrics.PsiProbe> f) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            final int at = k;
            out[k] = seeds.stream().mapToDouble(s -> f.applyAsDouble(s.get(at))).filter(Double::isFinite).average().orElse(Double.NaN);
        }
        return out;
    }
}
