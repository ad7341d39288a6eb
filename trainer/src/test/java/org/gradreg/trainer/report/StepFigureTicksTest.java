package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.AxisPair;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The x-axis of the per-step figures (issue 22 item 14): a few thousand steps get round, readable
 * ticks, not XChart's "every k-th data point" labels (1, 102, 203, … ran together on 2,808 steps);
 * a handful of epochs keep a tick at every epoch.
 */
class StepFigureTicksTest {

    @Test
    void thousandsOfStepsGetRoundTicks() throws Exception {
        List<String> all = xLabels(2808);
        // XChart lists ticks a step beyond the data at both ends; it draws those inside the axis
        List<String> labels = all.stream().filter(l -> Double.parseDouble(l) >= 0 && Double.parseDouble(l) <= 2808).toList();
        assertTrue(labels.size() >= 4 && labels.size() <= 16, all.toString());
        for (String l : labels) {
            assertEquals(0, Double.parseDouble(l) % 100, 1e-9, "tick " + l + " of " + all);
        }
    }

    /** A learning rate rising linearly over the whole run (warmup only): round y ticks, not every 56th data value (0.598291, …). */
    @Test
    void aLinearRampGetsRoundYTicks() throws Exception {
        int n = 936;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = j + 1;
            y[j] = 1e-3 * j / n;
        }
        XYChart chart = new org.knowm.xchart.XYChartBuilder().width(1100).height(260).title("lr").xAxisTitle("step").yAxisTitle("lr").build();
        chart.addSeries("a", x, y);
        chart.addSeries("b", x, y.clone());
        FigureStyle.readable(chart);
        BufferedImage img = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        chart.paint(g2, chart.getWidth(), chart.getHeight());
        g2.dispose();
        Field f = Chart.class.getDeclaredField("axisPair");
        f.setAccessible(true);
        AxisPair<?, ?> axes = (AxisPair<?, ?>) f.get(chart);
        java.lang.reflect.Method yAxis = AxisPair.class.getDeclaredMethod("getYAxis");
        yAxis.setAccessible(true);
        List<String> labels = ((org.knowm.xchart.internal.chartpart.Axis<?, ?>) yAxis.invoke(axes)).getAxisTickCalculator().getTickLabels();
        assertTrue(labels.size() >= 3, labels.toString());
        for (String l : labels) {
            assertTrue(l.matches("-?\\d+(\\.\\d)?"), "tick " + l + " of " + labels);
        }
    }

    /** An unstable setting's test error (20 and 70 %, then 2 and 60 %): the ± std band stops at 0, not at -13 %. */
    @Test
    void theBandOfANonNegativeQuantityStopsAtZero() {
        List<double[]> seeds = List.of(new double[] {20, 2}, new double[] {70, 60});
        Group g = new Group("c", "x", "p", Map.of(), List.of(2.0, 60.0), List.of(), seeds, seeds, List.of(), List.of(), Map.of(), Map.of(),
                List.of(), Map.of(), List.of(), Map.of(), "");
        XYChart chart = StepFigure.chart(List.of(g), "c", "p", Group::stepLosses, "epoch", "test error", "t", false, "#", false);
        double[] band = chart.getSeriesMap().get("x band").getYData();
        double low = java.util.Arrays.stream(band).min().orElseThrow();
        assertEquals(0, low, 0, java.util.Arrays.toString(band)); // mean 31, std 41.0 at epoch 2: 31 - 41 = -10 without the floor
        // a quantity that does go below 0 keeps its band
        List<double[]> signed = List.of(new double[] {-1, 2}, new double[] {1, 4});
        Group h = new Group("c", "y", "p", Map.of(), List.of(2.0, 4.0), List.of(), signed, signed, List.of(), List.of(), Map.of(), Map.of(),
                List.of(), Map.of(), List.of(), Map.of(), "");
        double[] b2 = StepFigure.chart(List.of(h), "c", "p", Group::stepLosses, "epoch", "v", "t", false, "#", false).getSeriesMap().get("y band").getYData();
        assertTrue(java.util.Arrays.stream(b2).min().orElseThrow() < -1, java.util.Arrays.toString(b2));
    }

    @Test
    void aFewEpochsKeepATickAtEveryEpoch() throws Exception {
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), xLabels(6));
    }

    private static List<String> xLabels(int points) throws Exception {
        List<double[]> seeds = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            double[] v = new double[points];
            for (int k = 0; k < points; k++) {
                v[k] = 1.0 / (1 + k) + 0.01 * s;
            }
            seeds.add(v);
        }
        Group g = new Group("c", "plain", "p", Map.of(), List.of(7.0, 7.1), List.of(), seeds, seeds, List.of(), List.of(), Map.of(), Map.of(),
                List.of(), Map.of(), List.of(), Map.of(), "");
        XYChart chart = StepFigure.chart(List.of(g), "c", "p", Group::stepLosses, points > 30 ? "step" : "epoch", "loss", "t", false, "#.##",
                points > 30);
        BufferedImage img = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        chart.paint(g2, chart.getWidth(), chart.getHeight());
        g2.dispose();
        if (System.getenv("GRADREG_FIGURE_OUT") != null) { // to look at: GRADREG_FIGURE_OUT=/tmp
            javax.imageio.ImageIO.write(img, "png", new java.io.File(System.getenv("GRADREG_FIGURE_OUT"), "ticks-" + points + ".png"));
        }
        Field f = Chart.class.getDeclaredField("axisPair");
        f.setAccessible(true);
        AxisPair<?, ?> axes = (AxisPair<?, ?>) f.get(chart);
        return axes.getXAxis().getAxisTickCalculator().getTickLabels();
    }
}
