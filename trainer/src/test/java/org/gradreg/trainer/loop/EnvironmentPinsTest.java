package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.junit.jupiter.api.Test;

/** A grid spec's "environment" pins: parsing, the thread count they give, and the check against a process's variables. */
class EnvironmentPinsTest {

    private static EnvironmentPins pins(String json) throws Exception {
        return EnvironmentPins.parse(Json.mapper().readTree(json), "s.json");
    }

    @Test
    void parsesVariablesAndThreads() throws Exception {
        EnvironmentPins p = pins("{\"OPENBLAS_CORETYPE\": \"Haswell\", \"OMP_WAIT_POLICY\": \"PASSIVE\", \"threads\": 2}");
        assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell", "OMP_WAIT_POLICY", "PASSIVE"), p.variables());
        assertEquals(2, p.threads());
        assertEquals(EnvironmentPins.NONE, EnvironmentPins.parse(null, "s.json"));
        assertEquals(EnvironmentPins.NONE, pins("{}"));
    }

    @Test
    void malformedPinsAreBadInput() {
        for (String bad : new String[] {"[1]", "{\"threads\": 0}", "{\"threads\": 1.5}", "{\"threads\": \"2\"}", "{\"OPENBLAS_CORETYPE\": 3}",
            "{\"OPENBLAS_CORETYPE\": \"\"}", "{\"PATH\": \"/bin\"}"}) {
            BadInput e = assertThrows(BadInput.class, () -> pins(bad), bad);
            assertTrue(e.getMessage().startsWith("grid spec s.json"), e.getMessage());
        }
    }

    @Test
    void threadsComeFromThePinOrTheOptionAndMustAgree() throws Exception {
        assertEquals(3, EnvironmentPins.NONE.threads(3, "s.json"));
        assertEquals(0, EnvironmentPins.NONE.threads(0, "s.json"));
        EnvironmentPins one = pins("{\"threads\": 1}");
        assertEquals(1, one.threads(0, "s.json"));
        assertEquals(1, one.threads(1, "s.json"));
        assertThrows(BadInput.class, () -> one.threads(2, "s.json"));
    }

    @Test
    void theProcessMustHaveEveryPinnedValue() throws Exception {
        EnvironmentPins p = pins("{\"OPENBLAS_CORETYPE\": \"Haswell\", \"OPENBLAS_L2_SIZE\": \"512\"}");
        assertDoesNotThrow(() -> p.check(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512", "OTHER", "x")::get, "s.json"));
        BadInput other = assertThrows(BadInput.class, () -> p.check(Map.of("OPENBLAS_CORETYPE", "SkylakeX", "OPENBLAS_L2_SIZE", "512")::get, "s.json"));
        assertTrue(other.getMessage().contains("pins OPENBLAS_CORETYPE=Haswell") && other.getMessage().contains("this process has OPENBLAS_CORETYPE=SkylakeX")
                && other.getMessage().contains("run it as OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512 gradreg grid"), other.getMessage());
        BadInput unset = assertThrows(BadInput.class, () -> p.check(Map.of("OPENBLAS_CORETYPE", "Haswell")::get, "s.json"));
        assertTrue(unset.getMessage().contains("OPENBLAS_L2_SIZE=512") && unset.getMessage().contains("has it unset"), unset.getMessage());
    }
}
