package org.gradreg.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.run.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 22 item 6: SIGTERM (Slurm preemption, scancel) and SIGINT end a {@code train} in a
 * checkpoint, a released lock and exit code 143 (130 for SIGINT); {@code --resume} then reaches the
 * metrics of an uninterrupted run.
 */
class PreemptedRunTest {

    @TempDir
    Path dir;

    /** The child: {@code train} with args[1..]; with args[0] "slow", each checkpoint write pauses 100 ms. */
    public static void main(String[] args) {
        if (args[0].equals("slow")) {
            AtomicFiles.hook((tmp, target) -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        System.exit(Cli.install(new CommandLine(new TrainCommand())).execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }

    private Process child(String mode, Path out, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), PreemptedRunTest.class.getName(), mode, "--model", "linear", "--dataset", TinyRuns.DATA,
                "--batch", "16", "--epochs", "40", "--no-augment", "--clip", "0", "--quiet", "--eval-batch", "32", "--checkpoint-every", "1",
                "--threads", "1", "--out", out.toString()));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(out.getFileName() + "-" + mode + ".log").toFile())
                .start();
    }

    private static String metrics(Path run) throws Exception {
        return Files.readString(run.resolve(RunDir.METRICS)).replaceAll(",\"time_s\":[^}]*", "");
    }

    @Test
    void sigtermEndsInACheckpointAReleasedLockAndExit143() throws Exception {
        Path full = dir.resolve("full");
        Process f = child("fast", full);
        Path cut = dir.resolve("cut");
        Process c = child("slow", cut);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(cut.resolve(RunDir.CHECKPOINT)) && Files.exists(cut.resolve(RunDir.PREVIOUS))) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            c.destroy(); // SIGTERM
            assertTrue(c.waitFor(60, TimeUnit.SECONDS));
            String log = Files.readString(dir.resolve("cut-slow.log"));
            assertEquals(143, c.exitValue(), log);
            assertTrue(log.contains("SIGTERM") && log.contains("--resume"), log);
            assertFalse(Files.exists(cut.resolve(RunDir.LOCK)), "lock released");
            assertFalse(new RunDir(cut).finished());
            assertTrue(f.waitFor(300, TimeUnit.SECONDS)); // generous: a loaded 2-core machine (load ~9) once took over 120 s for the resumed run
            assertEquals(0, f.exitValue(), Files.readString(dir.resolve("full-fast.log")));
            Process r = child("fast", cut, "--resume");
            assertTrue(r.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, r.exitValue(), Files.readString(dir.resolve("cut-fast.log")));
            assertEquals(metrics(full), metrics(cut));
            assertEquals(Files.readString(full.resolve(RunDir.RESULT)), Files.readString(cut.resolve(RunDir.RESULT)));
        } finally {
            c.destroyForcibly();
            f.destroyForcibly();
        }
    }
}
