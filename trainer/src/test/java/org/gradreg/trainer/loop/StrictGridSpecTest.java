package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.trainer.BadInput;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 item 11: a grid spec's values are taken as their settings' types, written one way:
 * {@code "epochs": 2.7} and {@code "seed": null} are refused (they silently became 2 and a second
 * seed-0 run), {@code 0.001} and {@code "1e-3"} are the same value, and two runs with the same
 * settings are refused naming both.
 */
class StrictGridSpecTest {

    private static String refused(String spec) {
        return assertThrows(BadInput.class, () -> GridTest.grid(spec)).getMessage();
    }

    @Test
    void aFractionForAWholeNumberSettingIsRefused() throws Exception {
        String m = refused("{\"base\": {\"model.spec\": \"linear\", \"run.epochs\": 2.7}}");
        assertTrue(m.contains("'run.epochs' must be a whole number, not 2.7"), m);
        assertEquals(2, GridTest.grid("{\"base\": {\"model.spec\": \"linear\", \"run.epochs\": 2.0}}").runs().get(0).config().run().epochs());
        assertEquals(1000, GridTest.grid("{\"base\": {\"model.spec\": \"linear\", \"run.epochs\": 1e3}}").runs().get(0).config().run().epochs());
        m = refused("{\"base\": {\"model.spec\": \"linear\", \"run.batch\": 3000000000}}");
        assertTrue(m.contains("'run.batch' must be a whole number below 2^31"), m);
    }

    @Test
    void nullForANumberOrAFlagIsRefused() {
        String m = refused("{\"base\": {\"model.spec\": \"linear\"}, \"axes\": {\"run.seed\": [0, null]}}");
        assertTrue(m.contains("axis run.seed: 'run.seed' needs a value, not null"), m);
        m = refused("{\"base\": {\"model.spec\": \"linear\", \"data.augment\": \"no\"}}");
        assertTrue(m.contains("'data.augment' must be true or false"), m);
        m = refused("{\"base\": {\"model.spec\": \"linear\", \"optimizer.lr\": \"fast\"}}");
        assertTrue(m.contains("'optimizer.lr' must be a number, not \"fast\""), m);
    }

    @Test
    void aNumberWrittenAsAStringIsTheSameSettingAndDuplicatesAreRefused() throws Exception {
        assertEquals(0.001, GridTest.grid("{\"base\": {\"model.spec\": \"linear\", \"optimizer.lr\": \"1e-3\"}}").runs().get(0).config()
                .optimizer().lr());
        String m = refused("{\"base\": {\"model.spec\": \"linear\"}, \"axes\": {\"optimizer.lr\": [0.001, \"1e-3\"]}}");
        assertTrue(m.startsWith("grid spec test: runs 0 (optimizer.lr-0.001) and 1 (optimizer.lr-1e-3) have the same settings"), m);
        m = refused("{\"base\": {\"model.spec\": \"linear\"}, \"axes\": {\"run.seed\": [0, 1, 0.0]}}");
        assertTrue(m.contains("runs 0 (run.seed-0) and 2 (run.seed-0.0)"), m);
        m = refused("{\"base\": {\"model.spec\": \"linear\"}, \"axes\": {\"m\": [{\"estimator\": {\"name\": \"sam\", \"rho\": 0.05}}, "
                + "{\"estimator\": {\"name\": \"sam\", \"rho\": \"5e-2\"}}]}}");
        assertTrue(m.contains("have the same settings"), m);
        // the LR warmup's "auto" and an absent data directory stay allowed
        GridTest.grid("{\"base\": {\"model.spec\": \"linear\", \"optimizer.schedule.warmupEpochs\": \"auto\", \"data.dir\": null}}");
    }
}
