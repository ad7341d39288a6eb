package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL while it writes a checkpoint: the next start removes the
 * half-written temporary, takes over the dead process's lock and resumes to the same metrics as
 * an uninterrupted run.
 */
class KilledRunTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    static TrainConfig config() {
        return TinyRuns.linear("plain", 0).with("run.epochs", 6, "run.checkpointEvery", 1);
    }

    /** The child: trains {@code args[0]}, pausing inside every checkpoint write (after the temporary is complete). */
    public static void main(String[] args) throws Exception {
        Trainer.threads(1);
        AtomicFiles.hook((tmp, target) -> {
            if (target.getFileName().toString().equals(RunDir.CHECKPOINT)) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        new Trainer(config(), Path.of(args[0])).progress(false).run(false);
    }

    @Test
    void aKilledRunResumesExactly() throws Exception {
        Path run = dir.resolve("killed");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), KilledRunTest.class.getName(), run.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // wait until a few checkpoints are written and the child is inside the next write
            while (!(Files.exists(run.resolve(RunDir.PREVIOUS)) && tmpFiles(run) > 0)) {
                assertTrue(child.isAlive(), () -> "the child ended early: " + log());
                assertTrue(System.nanoTime() < deadline, "the child wrote no checkpoints in time");
                Thread.sleep(20);
            }
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        assertFalse(new RunDir(run).finished());
        assertTrue(Files.exists(run.resolve(RunDir.LOCK)), "the killed process left its lock");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RunResult r = new Trainer(config(), run).progress(false).log(new PrintStream(log, true)).run(true);
        assertEquals(RunResult.Status.FINISHED, r.status(), log.toString());
        assertTrue(log.toString().contains("stale lock") && log.toString().contains(".tmp"), log.toString());
        assertEquals(0, tmpFiles(run));
        new Trainer(config(), dir.resolve("full")).progress(false).log(new PrintStream(new ByteArrayOutputStream())).run(false);
        assertEquals(TrainerTest.metrics(dir.resolve("full")), TrainerTest.metrics(run));
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

    private static long tmpFiles(Path run) throws java.io.IOException {
        if (!Files.isDirectory(run)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(run)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(RunDir.CHECKPOINT) && p.toString().endsWith(".tmp")).toList();
            return l.size();
        }
    }
}
