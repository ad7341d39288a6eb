package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The toy registry: every reproduction once, in run order, found by its own name; unknown names listed. */
class ToysTest {

    @Test
    void everyToyOnceByItsOwnName() {
        List<String> names = List.of("gnr-fig1a", "sam-vs-gnr", "gr-fig1-alpha", "harmful-gr-fig3", "harmful-gr-warmup", "swd-sweep",
                "agr-curves");
        assertEquals(names, Toys.all().stream().map(Reproduction::name).toList());
        for (String n : names) {
            assertEquals(n, Toys.byName(n).name());
            assertEquals(Toys.byName(n).title(), Toys.REGISTRY.entry(n).description());
        }
        assertEquals("unknown toy 'gnr'; known: [agr-curves, gnr-fig1a, gr-fig1-alpha, harmful-gr-fig3, harmful-gr-warmup, sam-vs-gnr, "
                + "swd-sweep]", assertThrows(IllegalArgumentException.class, () -> Toys.byName("gnr")).getMessage());
    }
}
