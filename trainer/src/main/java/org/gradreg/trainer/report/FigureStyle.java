package org.gradreg.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import org.gradreg.common.io.TickLabels;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;

/** Ten colours that stay apart (matplotlib's tab10), and line styles to tell series apart in grey print. */
final class FigureStyle {

    private FigureStyle() {
    }

    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    static final BasicStroke[] STROKES = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};

    static Color color(int i) {
        return COLORS[i % COLORS.length];
    }

    /**
     * Issue 22 item 14: readable y ticks: a logarithmic axis over less than two decades labels
     * 2…9 × 10^k too (a gradient norm between 0.5 and 5 had the single tick "1"); a linear one
     * over small values is drawn in a power of ten named in its title ({@link TickLabels#scale}:
     * "lr (× 1e-4)" from 0 to 10, not ticks like .000998292246503 at every data value).
     */
    static void readable(XYChart chart) {
        var st = chart.getStyler();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        double size = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getYData()) {
                if (Double.isFinite(v)) {
                    size = Math.max(size, Math.abs(v));
                    if (v > 0) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (st.isYAxisLogarithmic() && !TickLabels.logarithmic(lo, hi)) {
            st.setYAxisLogarithmic(false); // under a decade a log axis has one or two ticks
        }
        if (st.isYAxisLogarithmic()) {
            st.setYAxisLogarithmicDecadeOnly(TickLabels.decadesOnly(lo, hi));
        } else {
            double k = TickLabels.scale(size);
            if (k != 1) { // drawn in units of k: "lr (× 1e-4)" from 0 to 10
                for (XYSeries s : chart.getSeriesMap().values()) {
                    double[] ys = java.util.Arrays.stream(s.getYData()).map(v -> v / k).toArray();
                    double[] es = s.getExtraValues() == null ? null : java.util.Arrays.stream(s.getExtraValues()).map(v -> v / k).toArray();
                    s.replaceData(s.getXData(), ys, es);
                }
                chart.setYAxisTitle(chart.getYAxisTitle() + " (× " + TickLabels.label(k) + ")");
            }
            if (st.getYAxisDecimalPattern() == null) {
                st.setYAxisDecimalPattern("0.######"); // 0.0965, not XChart's .0965
            }
        }
        roundXTicks(chart);
        if (!st.isYAxisLogarithmic()) {
            roundYTicks(chart);
        }
    }

    /**
     * Round y ticks where the y values drawn are equally spaced (a linear LR warmup over the whole
     * run): XChart then labels data values (0.598291, 1.196581, …); one invisible point off their grid
     * makes it choose round ticks, as {@link #roundXTicks} does for x.
     */
    static void roundYTicks(XYChart chart) {
        java.util.List<double[]> ys = new java.util.ArrayList<>();
        java.util.List<double[]> xs = new java.util.ArrayList<>();
        for (XYSeries s : chart.getSeriesMap().values()) { // the finite points only: a NaN would pass the spacing test
            double[] x = s.getXData();
            double[] y = s.getYData();
            int[] keep = java.util.stream.IntStream.range(0, y.length).filter(i -> Double.isFinite(y[i]) && Double.isFinite(x[i])).toArray();
            ys.add(java.util.Arrays.stream(keep).mapToDouble(i -> y[i]).toArray());
            xs.add(java.util.Arrays.stream(keep).mapToDouble(i -> x[i]).toArray());
        }
        double[] p = TickLabels.offGridPoint(ys, xs);
        if (p != null) {
            XYSeries off = chart.addSeries("(round y ticks)", new double[] {p[1]}, new double[] {p[0]});
            off.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            off.setLineColor(new Color(0, 0, 0, 0));
            off.setShowInLegend(false);
        }
    }

    /** Round x ticks for many equally spaced x values: one invisible point off their grid ({@link TickLabels#offGridPoint}). */
    static void roundXTicks(XYChart chart) {
        var all = chart.getSeriesMap().values();
        double[] p = TickLabels.offGridPoint(all.stream().map(XYSeries::getXData).toList(), all.stream().map(XYSeries::getYData).toList());
        if (p != null && !chart.getStyler().isXAxisLogarithmic()) {
            XYSeries off = chart.addSeries("(round x ticks)", new double[] {p[0]}, new double[] {p[1]});
            off.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            off.setLineColor(new Color(0, 0, 0, 0));
            off.setShowInLegend(false);
        }
    }
}
