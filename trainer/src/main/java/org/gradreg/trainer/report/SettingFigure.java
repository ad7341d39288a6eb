package org.gradreg.trainer.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.config.Settings;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A per-run metric against the spec's {@code x} setting (a path, e.g. {@code estimator.alpha}), one
 * line per combination of the other settings that vary: the mean over seeds with its 95%
 * t-interval. A log x axis (without the points at 0) when x spans more than two decades. Settings
 * are shown by their short names ({@link Settings#shortName}).
 */
final class SettingFigure {

    private final String x;
    private final String name;

    SettingFigure(String x) {
        this.x = x;
        this.name = Settings.shortName(x);
    }

    /** Writes the figure of {@code metric} for {@code column}; false (and no file) if no group has x and the metric. */
    boolean write(Collection<Group> groups, String column, String metric, Path file) throws IOException {
        List<Group> in = groups.stream().filter(g -> g.column().equals(column) && xOf(g) != null && g.metric(metric).length > 0).toList();
        Set<String> varying = new TreeSet<>();
        for (Group g : in) {
            withoutX(g).forEach((k, v) -> {
                if (!v.equals(withoutX(in.get(0)).get(k))) {
                    varying.add(k);
                }
            });
        }
        Map<String, TreeMap<Double, double[]>> series = new TreeMap<>();
        for (Group g : in) {
            Map<String, String> key = withoutX(g);
            String label = varying.isEmpty() ? key.get("optimizer.rule") + " + " + key.get("estimator.name")
                    : String.join(", ", varying.stream().map(k -> Settings.shortName(k) + " " + key.get(k)).toList());
            series.computeIfAbsent(label, k -> new TreeMap<>()).put(xOf(g), g.metric(metric));
        }
        if (series.isEmpty()) {
            return false;
        }
        double lo = series.values().stream().flatMap(m -> m.keySet().stream()).filter(v -> v > 0).min(Double::compare).orElse(1.0);
        double hi = series.values().stream().flatMap(m -> m.keySet().stream()).max(Double::compare).orElse(1.0);
        boolean logX = hi / lo > 100; // e.g. weight decay from 5e-5 to 5: a log axis, without the points at 0 (they stay in the tables)
        if (logX) {
            series.values().forEach(m -> m.keySet().removeIf(v -> v <= 0));
            series.values().removeIf(Map::isEmpty);
        }
        XYChart chart = new XYChartBuilder().width(900).height(560).title(Text.LABELS.get(metric) + " against " + name + ", " + column)
                .xAxisTitle(name + (logX ? " (log scale; points at 0 are in the tables)" : "")).yAxisTitle(Text.LABELS.get(metric)).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        int i = 0;
        for (Map.Entry<String, TreeMap<Double, double[]>> s : series.entrySet()) {
            int n = s.getValue().size();
            double[] xs = new double[n];
            double[] y = new double[n];
            double[] e = new double[n];
            int k = 0;
            for (Map.Entry<Double, double[]> p : s.getValue().entrySet()) {
                xs[k] = p.getKey();
                y[k] = new DescriptiveStatistics(p.getValue()).getMean();
                double h = Stats.halfWidth(p.getValue());
                e[k++] = Double.isNaN(h) ? 0 : h;
            }
            XYSeries line = chart.addSeries(s.getKey(), xs, y, e);
            line.setLineColor(FigureStyle.color(i));
            line.setMarkerColor(FigureStyle.color(i));
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setLineStyle(FigureStyle.STROKES[i % FigureStyle.STROKES.length]);
            i++;
        }
        FigureStyle.readable(chart);
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
        return true;
    }

    /** The group's x, or null when it has no numeric x. */
    private Double xOf(Group g) {
        return g.settings().get(x) instanceof Number n ? n.doubleValue() : null;
    }

    /** A group's settings as text, without the seed and x. */
    private Map<String, String> withoutX(Group g) {
        Map<String, String> m = new TreeMap<>();
        g.settings().forEach((k, v) -> {
            if (!k.equals(Grouping.SEED) && !k.equals(x)) {
                m.put(k, Text.value(v));
            }
        });
        return m;
    }
}
