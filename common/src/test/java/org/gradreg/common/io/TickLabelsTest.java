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
}
