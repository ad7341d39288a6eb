package org.gradreg.trainer.report;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down correction of m p-values for the family-wise error rate (Holm 1979): with the
 * p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted p₍ᵢ₎ is max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎);
 * a comparison is significant at α when its adjusted p is below α. NaN p-values (comparisons
 * without a test) are not counted in m and stay NaN.
 */
final class Holm {

    private Holm() {
    }

    /** The adjusted p-values, in the order given. */
    static double[] adjust(double[] p) {
        Integer[] order = java.util.stream.IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        int m = order.length;
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 0;
        for (int j = 0; j < m; j++) {
            running = Math.max(running, Math.min(1, (m - j) * p[order[j]]));
            out[order[j]] = running;
        }
        return out;
    }

    /** How many of the p-values are tested (not NaN): the m of the correction. */
    static int count(double[] p) {
        return (int) Arrays.stream(p).filter(x -> !Double.isNaN(x)).count();
    }
}
