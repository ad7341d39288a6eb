package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Per-step curves of several methods (mean over seeds): a log-scale figure and its CSV. */
final class Curves {

    private Curves() {
    }

    /** Mean over runs, step by step. */
    static double[] mean(List<double[]> runs) {
        double[] m = new double[runs.get(0).length];
        for (double[] r : runs) {
            for (int i = 0; i < m.length; i++) {
                m[i] += r[i] / runs.size();
            }
        }
        return m;
    }

    static DescriptiveStatistics stats(List<Double> xs) {
        return new DescriptiveStatistics(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Writes {@code name}.csv (step, one column per method) and {@code name}.png. */
    static void write(Path out, String name, String title, String yTitle, Map<String, double[]> curves) throws IOException {
        List<String> header = new ArrayList<>(List.of("step"));
        header.addAll(curves.keySet());
        int n = curves.values().iterator().next().length;
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> r = new ArrayList<>();
            r.add(i + 1);
            for (double[] c : curves.values()) {
                r.add(c[i]);
            }
            rows.add(r);
        }
        Output.csv(out.resolve(name + ".csv"), header, rows);
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        for (Map.Entry<String, double[]> e : curves.entrySet()) {
            chart.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.NONE);
        }
        Output.png(out.resolve(name + ".png"), chart);
    }
}
