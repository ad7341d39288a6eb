package org.gradreg.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What decides a run's float rounding beside its configuration is recorded at every start and
 * resume (environment.json): the BLAS kernel variables, thread caps, runtime and CPU.
 */
class RunEnvironmentTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void everyStartAndResumeAddsItsEnvironment() throws Exception {
        Path run = dir.resolve("run");
        new Trainer(TinyRuns.linear("plain", 0), run).progress(false).stopAfter(5).run(false); // past the first epoch end (4 steps), where a checkpoint is written
        RunDir d = new RunDir(run);
        List<RunEnvironment> one = d.readEnvironments();
        assertEquals(1, one.size());
        RunEnvironment e = one.get(0);
        assertFalse(e.resumed());
        assertEquals(System.getProperty("java.version"), e.java());
        assertEquals("1", e.compute().get("blasMaxThreads"), e.compute().toString());
        assertTrue(e.compute().containsKey("nd4jMaxThreads") && e.compute().containsKey("nd4jMaxMasterThreads"), e.compute().toString());
        assertTrue(e.compute().containsKey("blasVendor"), e.compute().toString());
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("OPENBLAS_") || k.startsWith("OMP_")) {
                assertEquals(v, e.variables().get(k), k);
            }
        });
        assertTrue(e.variables().keySet().stream().allMatch(k -> RunEnvironment.PREFIXES.stream().anyMatch(k::startsWith)), e.variables().toString());

        new Trainer(TinyRuns.linear("plain", 0), run).progress(false).run(true);
        List<RunEnvironment> two = d.readEnvironments();
        assertEquals(2, two.size());
        assertEquals(e, two.get(0), "the first start's entry is kept as it was");
        assertTrue(two.get(1).resumed());
        assertTrue(d.finished());

        // a damaged record is started again, saying so, and never stops the run
        Files.writeString(d.environment(), "[{\"started\": ");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        d.recordEnvironment(RunEnvironment.current(false, "cpu", java.util.Map.of()), new PrintStream(log, true));
        assertTrue(log.toString().contains("is damaged"), log.toString());
        assertEquals(1, d.readEnvironments().size(), "the damaged list is replaced by this start's entry");
    }
}
