package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gradreg.trainer.cli.Cli;
import org.gradreg.trainer.cli.GridCommand;
import org.gradreg.trainer.cli.TrainCommand;
import org.gradreg.trainer.run.RunDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 22 item 8: an OutOfMemoryError during training (thrown here after a chosen step, as the
 * heap or JavaCPP's limits would) is one line with exit 4, keeps the last checkpoint, releases the
 * lock, and the run continues with --resume to the metrics of an uninterrupted run.
 */
class OutOfMemoryRunTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @AfterEach
    void noHook() {
        Trainer.afterStep = null;
    }

    record Outcome(int code, String err) {
    }

    static Outcome run(Object command, String... args) {
        StringWriter err = new StringWriter();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
        System.setErr(new PrintStream(sysErr, true));
        try {
            CommandLine cl = Cli.install(new CommandLine(command));
            cl.setErr(new PrintWriter(err, true));
            return new Outcome(Cli.execute(cl, args), err + sysErr.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--model", "linear", "--dataset", TinyRuns.DATA, "--batch", "16", "--epochs", "3", "--no-augment",
                "--clip", "0", "--quiet", "--eval-batch", "32", "--checkpoint-every", "2", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static String metrics(Path run) throws Exception {
        return Files.readString(run.resolve(RunDir.METRICS)).replaceAll(",\"time_s\":[^}]*", "");
    }

    @Test
    void anOutOfMemoryErrorIsOneLineExit4TheCheckpointKeptAndTheLockReleased() throws Exception {
        Path full = dir.resolve("full");
        assertEquals(0, run(new TrainCommand(), train(full)).code());
        Path cut = dir.resolve("cut");
        Trainer.afterStep = step -> {
            if (step == 7) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        Outcome o = run(new TrainCommand(), train(cut));
        assertEquals(Cli.OUT_OF_MEMORY, o.code(), o.err());
        List<String> lines = o.err().strip().lines().filter(l -> l.contains("memory") || l.contains("Error") || l.contains("\tat ")).toList();
        assertEquals(1, lines.size(), o.err());
        assertTrue(lines.get(0).startsWith("gradreg train: out of memory at step 7 of " + cut + ": the Java heap is full (-Xmx)"), lines.get(0));
        assertTrue(lines.get(0).contains(cut.resolve(RunDir.CHECKPOINT) + ", is kept"), lines.get(0));
        assertFalse(Files.exists(cut.resolve(RunDir.LOCK)), "lock released");
        assertTrue(Files.exists(cut.resolve(RunDir.CHECKPOINT)));
        assertFalse(new RunDir(cut).finished());
        Trainer.afterStep = null;
        Outcome r = run(new TrainCommand(), train(cut, "--resume"));
        assertEquals(0, r.code(), r.err());
        assertEquals(metrics(full), metrics(cut));
        assertEquals(Files.readString(full.resolve(RunDir.RESULT)), Files.readString(cut.resolve(RunDir.RESULT)));
    }

    /** JavaCPP's limit on the process's memory, wrapped as ND4J does: named; a grid stops at it with exit 4 and records it. */
    @Test
    void javacppsLimitIsNamedAndAGridStopsAtIt() throws Exception {
        Trainer.afterStep = step -> {
            if (step == 3) {
                throw new RuntimeException("Op execution failed", new OutOfMemoryError(
                        "Physical memory usage is too high: physicalBytes (1536M) > maxPhysicalBytes (1536M)"));
            }
        };
        Path spec = dir.resolve("grid.json");
        Files.writeString(spec, "{\"base\": {\"model.spec\": \"linear\", \"data.spec\": \"" + TinyRuns.DATA + "\", \"data.augment\": false, "
                + "\"run.batch\": 16, \"run.epochs\": 2, \"optimizer.clip\": 0, \"run.evalBatch\": 32, \"run.checkpointEvery\": 2}, "
                + "\"axes\": {\"run.seed\": [0, 1]}}");
        Outcome o = run(new GridCommand(), spec.toString(), "--out", dir.resolve("g").toString(), "--quiet");
        assertEquals(Cli.OUT_OF_MEMORY, o.code(), o.err());
        assertTrue(o.err().contains("out of memory at step 3") && o.err().contains("org.bytedeco.javacpp.maxphysicalbytes")
                && o.err().contains("physicalBytes (1536M)"), o.err());
        try (var runs = Files.list(dir.resolve("g"))) {
            List<Path> started = runs.filter(Files::isDirectory).toList();
            assertEquals(1, started.size(), "the grid stopped at the first run: " + started);
            assertTrue(Files.exists(started.get(0).resolve(GridCommand.FAILED)));
            assertFalse(Files.exists(started.get(0).resolve(RunDir.LOCK)));
        }
    }
}
