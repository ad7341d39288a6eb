package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The gradreg command line reports an error in one line (exit 2 for bad input); --debug adds the stack trace. */
class ErrorLineTest {

    @TempDir
    Path dir;

    private static String[] run(int expectedCode, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Gradreg.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(expectedCode, cl.execute(args), err.toString());
        return err.toString().strip().split("\n");
    }

    @Test
    void badInputIsOneLineAndDebugShowsTheTrace() {
        Path out = dir.resolve("run");
        String[] lines = run(2, "train", "--optimizer", "adamx", "--out", out.toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("gradreg train: unknown optimizer 'adamx'"), lines[0]);
        lines = run(2, "train", "--lr", "abc", "--out", out.toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("gradreg train: ") && lines[0].contains("--lr") && lines[0].contains("abc"), lines[0]);
        lines = run(2, "train", "--optimizer", "adamx", "--out", out.toString(), "--debug");
        assertTrue(lines.length > 3 && lines[0].startsWith("gradreg train: unknown optimizer") && lines[1].contains("BadInput"),
                String.join("\n", lines));
        lines = run(2, "grid", dir.resolve("missing.json").toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("gradreg grid: ") && lines[0].contains("missing.json"), lines[0]);
        assertFalse(Files.exists(out));
        Path report = dir.resolve("bench.md");
        for (String[] bad : new String[][] {{"--conv", "fft"}, {"--repeats", "0"}, {"--threads", "-1"}, {"--batch", "0"}}) {
            lines = run(2, "bench", "--trainer", bad[0], bad[1], "--out", report.toString());
            assertEquals(1, lines.length, String.join("\n", lines));
            assertTrue(lines[0].startsWith("gradreg bench: " + bad[0]), lines[0]);
        }
        assertFalse(Files.exists(report), "a refused benchmark writes nothing");
    }

    /** A bad --device, and a GPU on a machine without the NVIDIA driver: one line, exit 2, nothing written. */
    @Test
    void aDeviceThatCannotBeUsedIsOneLineAndWritesNothing() {
        Path out = dir.resolve("gpu-run");
        String[] lines = run(2, "train", "--device", "tpu", "--epochs", "1", "--out", out.toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("gradreg train: ") && lines[0].contains("'tpu'"), lines[0]);
        lines = run(2, "train", "--dropout-masks", "gpu", "--epochs", "1", "--out", out.toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].contains("dropout masks") && lines[0].contains("'gpu'"), lines[0]);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has an NVIDIA driver");
        try {
            lines = run(2, "train", "--device", "cuda", "--epochs", "1", "--out", out.toString());
            assertEquals(1, lines.length);
            assertTrue(lines[0].startsWith("gradreg train: --device cuda: ") && lines[0].contains("GRADREG_CUDA_LIBS"), lines[0]);
            assertFalse(Files.exists(out));
            lines = run(2, "check-device");
            assertEquals(1, lines.length);
            assertTrue(lines[0].startsWith("gradreg check-device: --device cuda: "), lines[0]);
        } finally {
            // the device option is process-wide: back to the CPU for the other tests of this JVM
            org.gradreg.trainer.loop.Trainer.device(org.gradreg.trainer.compute.Device.CPU, null);
        }
    }

    /** Issue 22 item 16: an unknown toy is bad input (exit 2, one line); no command's --help prints a picocli WARN (an unescaped %). */
    @Test
    void anUnknownToyIsExit2AndHelpPrintsNoWarning() {
        String[] lines = run(2, "toy", "nosuch", "--out", dir.resolve("toy").toString());
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("gradreg toy: unknown toy 'nosuch'"), lines[0]);
        assertFalse(Files.exists(dir.resolve("toy")));
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            CommandLine top = Gradreg.commandLine();
            StringWriter help = new StringWriter();
            top.setOut(new PrintWriter(help, true));
            assertEquals(0, top.execute("--help"));
            for (String sub : top.getSubcommands().keySet()) {
                CommandLine cl = Gradreg.commandLine();
                cl.setOut(new PrintWriter(help, true));
                assertEquals(0, cl.execute(sub, "--help"), sub);
            }
        } finally {
            System.setErr(old);
        }
        assertFalse(captured.toString().contains("WARN"), captured.toString());
    }
}
