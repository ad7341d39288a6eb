package org.gradreg.common.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Axis ticks a reader can take in at a glance (issue 22 item 14), for the figures of every module:
 * numbers written short ({@code 5e-4}, not {@code .000998292246503}), the power of ten a linear
 * axis of very small or large values is drawn in, and the rule for when a logarithmic axis labels
 * its decades only. No plotting here: the toy and trainer figures apply it to their charts.
 */
public final class TickLabels {

    private TickLabels() {
    }

    /** {@code v} rounded to four significant digits: 0, 0.25, 12.5, 1500, 5e-4, 2.5e-6, 1.2e6. */
    public static String label(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        double a = Math.abs(b.doubleValue());
        if (a >= 1e-3 && a < 1e5) {
            return b.toPlainString();
        }
        int exp = b.precision() - b.scale() - 1;
        return b.movePointLeft(exp).stripTrailingZeros().toPlainString() + "e" + exp;
    }

    /**
     * The power of ten to divide a linear axis's values by so that its ticks read 1 to 1000: 1 for
     * values between 0.01 and 100 000 in size, else 10^⌊log₁₀ maxAbs⌋ (a learning rate around
     * 0.001 is drawn as "lr (× 1e-4)" from 0 to 10). Besides short labels this keeps XChart 3.8 from
     * placing a tick at every data value: it takes values whose steps differ by less than 1e-4 for
     * equally spaced data, which all values below 1e-4 apart are.
     */
    public static double scale(double maxAbs) {
        if (!(maxAbs > 0) || !Double.isFinite(maxAbs) || (maxAbs >= 1e-2 && maxAbs < 1e5)) {
            return 1;
        }
        return Math.pow(10, Math.floor(Math.log10(maxAbs)));
    }

    /**
     * Whether a logarithmic axis over the positive values {@code min..max} is worth it: over a
     * decade or more. Over less (a final gradient norm between 0.0897 and 0.0963) it has one or two
     * ticks, so the axis is drawn linear instead.
     */
    public static boolean logarithmic(double min, double max) {
        return min > 0 && max / min >= 10;
    }

    /**
     * Whether a logarithmic axis over the positive values {@code min..max} should label its decades
     * only: yes over two decades or more; over less, the decades would leave one label or none
     * (a gradient norm between 0.5 and 5 got the single tick "1"), so 2, 3, … 9 × 10^k are labelled too.
     */
    public static boolean decadesOnly(double min, double max) {
        return min > 0 && max / min >= 100;
    }

    /** Up to this many equally spaced x values, a tick at every one (epochs 1 … 6); more get round ticks. */
    public static final int EVERY_POINT = 30;

    /**
     * Where to put one invisible point so that an x axis over many equally spaced values gets round
     * ticks; NaN when none is needed. XChart 3.8 ticks equally spaced x values (steps 1, 2, …, taken
     * over all series in the order they were added, repeats dropped) at data points only, every k-th
     * with k the first whose labels fit: 1, 102, 203, … on 2,808 steps, labels running together.
     * A point half a spacing after the first value makes the values unequally spaced, and XChart
     * then chooses round ticks (0, 200, 400, …).
     *
     * @param xSeries the x values of each series, in the order the chart holds the series
     * @param ySeries their y values
     * @return the point (x, y) to add, y the first finite y drawn; null when none is needed
     */
    public static double[] offGridPoint(List<double[]> xSeries, List<double[]> ySeries) {
        Set<Double> seen = new LinkedHashSet<>();
        double y = Double.NaN;
        for (int i = 0; i < xSeries.size(); i++) {
            for (int k = 0; k < xSeries.get(i).length; k++) {
                seen.add(xSeries.get(i)[k]);
                if (Double.isNaN(y) && Double.isFinite(ySeries.get(i)[k])) {
                    y = ySeries.get(i)[k];
                }
            }
        }
        double x = offGridX(seen.stream().mapToDouble(Double::doubleValue).toArray());
        return Double.isNaN(x) || Double.isNaN(y) ? null : new double[] {x, y};
    }

    /** {@link #offGridPoint}'s x for the x values {@code xs} in chart order, repeats dropped; NaN when none is needed. */
    static double offGridX(double[] xs) {
        if (xs.length <= EVERY_POINT) {
            return Double.NaN;
        }
        double space = xs[1] - xs[0];
        for (int k = 1; k < xs.length; k++) {
            if (Math.abs(xs[k] - xs[k - 1] - space) >= 1e-4) { // XChart's own test for equal spacing
                return Double.NaN;
            }
        }
        return xs[0] + space / 2;
    }
}
