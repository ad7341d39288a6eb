package org.gradreg.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 22 item 14: tick labels rounded to four significant digits, plain or as a power of ten. */
class TickLabelsTest {

    @Test
    void labelsAreShortAndExact() {
        assertEquals("9.983e-4", TickLabels.label(0.000998292246503)); // a schedule's learning rate, not .000998292246503
        assertEquals("5e-4", TickLabels.label(0.0005));
        assertEquals("0.3", TickLabels.label(0.1 + 0.2));
        assertEquals("0.001", TickLabels.label(0.001));
        assertEquals("0.25", TickLabels.label(0.25));
        assertEquals("1500", TickLabels.label(1500));
        assertEquals("1.2e6", TickLabels.label(1.2e6));
        assertEquals("-2.5e-5", TickLabels.label(-2.5e-5));
        assertEquals("0", TickLabels.label(0));
    }

    @Test
    void smallOrLargeValuesAreDrawnInAPowerOfTen() {
        assertEquals(1e-4, TickLabels.scale(0.000998292246503), 1e-19);
        assertEquals(1, TickLabels.scale(0.5));
        assertEquals(1, TickLabels.scale(0.01));
        assertEquals(1e5, TickLabels.scale(3.2e5), 1e-9);
        assertEquals(1, TickLabels.scale(0)); // all zero: nothing to scale
    }

    @Test
    void aLogAxisOverLessThanTwoDecadesLabelsMoreThanItsDecades() {
        assertFalse(TickLabels.decadesOnly(0.5, 5)); // the gradient norms that got the single tick "1"
        assertTrue(TickLabels.decadesOnly(1e-3, 1));
        assertFalse(TickLabels.decadesOnly(Double.POSITIVE_INFINITY, 0)); // no positive data
        assertFalse(TickLabels.logarithmic(0.0897, 0.0963)); // under a decade: a linear axis
        assertTrue(TickLabels.logarithmic(0.4, 4));
    }

    @Test
    void manyEquallySpacedStepsGetOnePointOffTheirGrid() {
        double[] steps = java.util.stream.IntStream.rangeClosed(1, 2808).asDoubleStream().toArray();
        double[] loss = java.util.stream.IntStream.rangeClosed(1, 2808).mapToDouble(k -> 1.0 / k).toArray();
        double[] band = new double[2 * 2808]; // a ±std band: the steps forward, then back (repeats)
        for (int k = 0; k < 2808; k++) {
            band[k] = k + 1;
            band[2 * 2808 - 1 - k] = k + 1;
        }
        double[] p = TickLabels.offGridPoint(java.util.List.of(band, steps), java.util.List.of(new double[2 * 2808], loss));
        assertEquals(1.5, p[0]);
        assertEquals(0, p[1]); // the first finite y drawn: the band's
        double[] six = {1, 2, 3, 4, 5, 6}; // epochs: a tick at each
        assertEquals(null, TickLabels.offGridPoint(java.util.List.of(six), java.util.List.of(six)));
        double[] uneven = java.util.stream.IntStream.rangeClosed(1, 100).mapToDouble(k -> k * k).toArray(); // round ticks already
        assertEquals(null, TickLabels.offGridPoint(java.util.List.of(uneven), java.util.List.of(uneven)));
        double[] nan = new double[2808];
        java.util.Arrays.fill(nan, Double.NaN);
        assertEquals(null, TickLabels.offGridPoint(java.util.List.of(steps), java.util.List.of(nan))); // no y to place it at
    }
}
