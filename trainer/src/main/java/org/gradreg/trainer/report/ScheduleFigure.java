package org.gradreg.trainer.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.gradreg.common.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Every per-step value the optimizer logged (lr, r, α, λ, SAM's ρ, GNR's …) that changes over the
 * steps in some group of a panel (a schedule, a GR warmup ramp): one chart a value, stacked in one
 * image. Values are the same for every seed of a group: the first seed's are drawn.
 */
final class ScheduleFigure {

    private ScheduleFigure() {
    }

    /** Writes the figure; false (and no file) if no value changes. */
    static boolean write(Collection<Group> groups, String column, String panel, Path file) throws IOException {
        List<Group> in = groups.stream().filter(g -> g.column().equals(column) && g.panel().equals(panel)).toList();
        Set<String> keys = new TreeSet<>();
        in.forEach(g -> keys.addAll(g.stepValues().keySet()));
        List<BufferedImage> charts = new ArrayList<>();
        for (String k : keys) {
            boolean varies = false; // over the steps, in some setting: a schedule or a warmup ramp
            for (Group g : in) {
                double[] v = Arrays.stream(g.stepValues().getOrDefault(k, new double[0])).filter(Double::isFinite).toArray();
                varies |= v.length > 1 && Arrays.stream(v).anyMatch(x -> x != v[0]);
            }
            if (!varies) {
                continue;
            }
            XYChart chart = new XYChartBuilder().width(1100).height(260).title(k).xAxisTitle("step").yAxisTitle(k).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setXAxisDecimalPattern("#");
            int i = 0;
            for (Group g : in) {
                double[] v = g.stepValues().get(k);
                if (v == null || Arrays.stream(v).noneMatch(Double::isFinite)) {
                    i++;
                    continue;
                }
                double[] x = new double[v.length];
                double[] y = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    x[j] = j + 1;
                    y[j] = Double.isFinite(v[j]) ? v[j] : Double.NaN;
                }
                XYSeries line = chart.addSeries(g.row(), x, y);
                line.setLineColor(FigureStyle.color(i));
                line.setLineStyle(FigureStyle.STROKES[(i / FigureStyle.COLORS.length + i) % FigureStyle.STROKES.length]);
                line.setMarker(SeriesMarkers.NONE);
                i++;
            }
            FigureStyle.readable(chart);
            charts.add(BitmapEncoder.getBufferedImage(chart));
        }
        if (charts.isEmpty()) {
            return false;
        }
        int w = charts.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int h = charts.stream().mapToInt(BufferedImage::getHeight).sum();
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = all.createGraphics();
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage c : charts) {
            gr.drawImage(c, 0, y, null);
            y += c.getHeight();
        }
        gr.dispose();
        AtomicFiles.writeVia(file, ".png", tmp -> ImageIO.write(all, "png", tmp.toFile()));
        return true;
    }
}
