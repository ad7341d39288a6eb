package org.gradreg.toy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.common.io.TickLabels;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Writes a reproduction's CSV tables and PNG figures atomically (temporary file, then rename). */
public final class Output {

    private Output() {
    }

    /** A CSV with {@code header} and {@code rows} (numbers are written with full precision). */
    public static void csv(Path file, List<String> header, List<? extends List<?>> rows) throws IOException {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (List<?> r : rows) {
                p.printRecord(r);
            }
        }
        text(file, w.toString());
    }

    public static void text(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }

    public static void png(Path file, Chart<?, ?> chart) throws IOException {
        if (chart instanceof XYChart xy) {
            readable(xy);
        }
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Issue 22 item 14: readable ticks on every toy figure: a logarithmic axis over less than two
     * decades labels 2…9 × 10^k too (not just "1"), a linear one over small or large values is
     * drawn in a power of ten named in its title ({@link TickLabels#scale}); the legend goes outside the plot, where it
     * hides no data.
     */
    static void readable(XYChart chart) {
        var st = chart.getStyler();
        double[] x = range(chart, true);
        double[] y = range(chart, false);
        if (st.isXAxisLogarithmic() && !TickLabels.logarithmic(x[0], x[1])) {
            st.setXAxisLogarithmic(false);
        }
        if (st.isXAxisLogarithmic()) {
            st.setXAxisLogarithmicDecadeOnly(TickLabels.decadesOnly(x[0], x[1]));
        }
        if (st.isYAxisLogarithmic() && !TickLabels.logarithmic(y[0], y[1])) {
            st.setYAxisLogarithmic(false); // under a decade a log axis has one or two ticks
        }
        if (st.isYAxisLogarithmic()) {
            st.setYAxisLogarithmicDecadeOnly(TickLabels.decadesOnly(y[0], y[1]));
        } else {
            double k = TickLabels.scale(y[2]);
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
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        roundXTicks(chart);
    }

    /** Round x ticks for many equally spaced x values: one invisible point off their grid ({@link TickLabels#offGridPoint}). */
    static void roundXTicks(XYChart chart) {
        var all = chart.getSeriesMap().values();
        double[] p = TickLabels.offGridPoint(all.stream().map(XYSeries::getXData).toList(), all.stream().map(XYSeries::getYData).toList());
        if (p != null && !chart.getStyler().isXAxisLogarithmic()) {
            XYSeries off = chart.addSeries("(round x ticks)", new double[] {p[0]}, new double[] {p[1]});
            off.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            off.setLineColor(new java.awt.Color(0, 0, 0, 0));
            off.setShowInLegend(false);
        }
    }

    /** The smallest and largest positive finite value and the largest finite size of the x (or y) data of {@code chart}. */
    private static double[] range(XYChart chart, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        double size = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : x ? s.getXData() : s.getYData()) {
                if (Double.isFinite(v)) {
                    size = Math.max(size, Math.abs(v));
                    if (v > 0) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        return new double[] {lo, hi, size};
    }
}
