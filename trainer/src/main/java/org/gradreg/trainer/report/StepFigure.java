package org.gradreg.trainer.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import org.gradreg.common.io.AtomicFiles;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A per-step curve of each group of a panel (‖g₁‖, loss, Var(ψ)): the mean over seeds with a ±1
 * std band, one colour and line style per group, and a vertical line at the end of the LR warmup.
 */
final class StepFigure {

    private StepFigure() {
    }

    /** Writes the figure of {@code series} (one array per seed) for the groups of {@code panel} in {@code column}. */
    static void write(Collection<Group> groups, String column, String panel, Function<Group, List<double[]>> series, String yTitle,
                      String title, Path file, boolean logY, String yPattern) throws IOException {
        write(groups, column, panel, series, "step", yTitle, title, file, logY, yPattern, true);
    }

    /**
     * {@link #write(Collection, String, String, Function, String, String, Path, boolean, String)} over
     * {@code xTitle} units (points 1, 2, …: steps or epochs), with a marker at each point when
     * {@code lines} is false (few points, as one per epoch) and the LR-warmup line only for steps.
     */
    static void write(Collection<Group> groups, String column, String panel, Function<Group, List<double[]>> series, String xTitle,
                      String yTitle, String title, Path file, boolean logY, String yPattern, boolean lines) throws IOException {
        XYChart chart = chart(groups, column, panel, series, xTitle, yTitle, title, logY, yPattern, lines);
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /** The chart {@link #write(Collection, String, String, Function, String, String, String, Path, boolean, String, boolean)} saves. */
    static XYChart chart(Collection<Group> groups, String column, String panel, Function<Group, List<double[]>> series, String xTitle,
                         String yTitle, String title, boolean logY, String yPattern, boolean lines) {
        XYChart chart = new XYChartBuilder().width(1100).height(620).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setYAxisDecimalPattern(yPattern);
        int i = 0;
        SortedSet<Double> warmupEnds = new TreeSet<>();
        for (Group g : groups) {
            if (!g.column().equals(column) || !g.panel().equals(panel) || series.apply(g).isEmpty()) {
                continue;
            }
            double[][] ms = Stats.meanOver(series.apply(g));
            int n = ms[0].length;
            // a ± std band of a quantity no seed takes below 0 (test error, a norm, a loss) stops at 0
            boolean nonNegative = series.apply(g).stream().flatMapToDouble(Arrays::stream).filter(v -> !Double.isNaN(v)).allMatch(v -> v >= 0);
            double floor = logY ? Arrays.stream(ms[0]).filter(v -> v > 0).min().orElse(1e-12) / 10 : nonNegative ? 0 : Double.NEGATIVE_INFINITY;
            double[] x = new double[n];
            double[] y = new double[n];
            double[] bx = new double[2 * n];
            double[] by = new double[2 * n];
            for (int k = 0; k < n; k++) {
                x[k] = k + 1;
                y[k] = Math.max(ms[0][k], floor);
                bx[k] = k + 1;
                by[k] = Math.max(ms[0][k] + ms[1][k], floor);
                bx[2 * n - 1 - k] = k + 1;
                by[2 * n - 1 - k] = Math.max(ms[0][k] - ms[1][k], floor);
            }
            for (double w : g.metric("warmup_steps")) {
                if (w > 0 && lines) {
                    warmupEnds.add(w + 0.5);
                }
            }
            Color c = FigureStyle.color(i);
            if (series.apply(g).size() > 1) {
                XYSeries band = chart.addSeries(g.row() + " band", bx, by);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 45));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            int seeds = series.apply(g).size();
            String label = g.row() + " (" + seeds + (seeds == 1 ? " seed)" : " seeds)");
            XYSeries line = chart.addSeries(label, x, y);
            line.setLineColor(c);
            line.setLineStyle(FigureStyle.STROKES[(i / FigureStyle.COLORS.length + i) % FigureStyle.STROKES.length]);
            line.setMarker(lines ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            if (!lines) {
                line.setMarkerColor(c);
            }
            i++;
        }
        for (double w : warmupEnds) { // the end of the LR warmup (steps before it are in warmup)
            chart.addAnnotation(new AnnotationLine(w, true, false));
        }
        if (!warmupEnds.isEmpty()) {
            chart.setTitle(chart.getTitle() + " (vertical line: end of LR warmup)");
        }
        FigureStyle.readable(chart);
        return chart;
    }
}
