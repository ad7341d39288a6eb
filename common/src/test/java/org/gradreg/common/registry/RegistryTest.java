package org.gradreg.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The registry types on a registry of their own (nothing of optim's): spec parsing, typed keys with
 * defaults and ranges, aliases, and the one-line errors the command line shows.
 */
class RegistryTest {

    static final Registry<DoubleUnaryOperator> SHAPES = new Registry<>("shape",
            Entry.<DoubleUnaryOperator>of("scale", "multiplies by k", x -> x,
                    Key.number("k", 2.0, Range.POSITIVE, "the factor"),
                    Key.integer("times", 1L, Range.closed(1, 4), "how often"),
                    Key.flag("negate", false, "flip the sign"),
                    Key.choice("mode", "round", List.of("round", "floor"), "rounding")),
            Entry.<DoubleUnaryOperator>of("shift", "adds b", x -> x,
                    Key.number("b", null, Range.ALL, "the offset")))
            .alias("mul", "scale");

    @Test
    void specSplitsAtTheFirstColonAndLowerCasesNamesAndKeys() {
        Spec s = Spec.parse("Scale:K=0.5,times=3");
        assertEquals("scale", s.name());
        assertEquals(Map.of("k", "0.5", "times", "3"), s.values());
        assertEquals("scale:k=0.5,times=3", s.toString());
        assertEquals(Map.of(), Spec.parse("shift").values());
    }

    @Test
    void malformedSpecsAreRefusedNamingThePart() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spec.parse("scale:k")).getMessage().contains("'k'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spec.parse("scale:k=1,k=2")).getMessage().contains("given twice"));
        assertThrows(IllegalArgumentException.class, () -> Spec.parse(" "));
    }

    @Test
    void keysAreTypedWithDefaultsAndRanges() {
        Args a = SHAPES.parse("scale:times=3,negate=true").args();
        assertEquals(2.0, a.number("k"));
        assertEquals(3, a.count("times"));
        assertTrue(a.flag("negate"));
        assertEquals("round", a.choice("mode"));
        assertTrue(a.given("times"));
        assertFalse(a.given("k"));
    }

    @Test
    void badValuesAreOneLineNamingEntryKeyAndRange() {
        String range = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("scale:k=0")).getMessage();
        assertTrue(range.contains("scale") && range.contains("k=0") && range.contains("range"), range);
        String integer = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("scale:times=1.5")).getMessage();
        assertTrue(integer.contains("not a whole number"), integer);
        String flag = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("scale:negate=yes")).getMessage();
        assertTrue(flag.contains("true or false"), flag);
        String choice = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("scale:mode=ceil")).getMessage();
        assertTrue(choice.contains("[round, floor]"), choice);
        String unknown = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("scale:kk=1")).getMessage();
        assertTrue(unknown.contains("unknown scale hyper-parameter 'kk'") && unknown.contains("[k, mode, negate, times]"), unknown);
        String missing = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("shift")).getMessage();
        assertTrue(missing.contains("shift needs b="), missing);
        for (String m : List.of(range, integer, flag, choice, unknown, missing)) {
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void namesAreCaseInsensitiveAliasesResolveAndUnknownNamesListTheKnownOnes() {
        assertEquals("scale", SHAPES.parse("MUL:k=3").entry().name());
        String e = assertThrows(IllegalArgumentException.class, () -> SHAPES.parse("rotate")).getMessage();
        assertEquals("unknown shape 'rotate'; known: [scale, shift]", e);
        String named = assertThrows(IllegalArgumentException.class, () -> SHAPES.parseNamed("scale:k=-1")).getMessage();
        assertTrue(named.startsWith("shape 'scale:k=-1': "), named);
    }

    @Test
    void rangesSayWhatTheyContain() {
        assertTrue(Range.UNIT.contains(0) && !Range.UNIT.contains(1));
        assertTrue(Range.POSITIVE.contains(1e-300) && !Range.POSITIVE.contains(0));
        assertTrue(Range.closed(1, 4).contains(4) && !Range.closed(1, 4).contains(4.0001));
        assertFalse(Range.ALL.contains(Double.NaN));
    }
}
