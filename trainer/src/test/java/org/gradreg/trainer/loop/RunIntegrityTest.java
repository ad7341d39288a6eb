package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What survives crashes, damaged files and a second process (issue 14, items 1, 4 and 6; issue 12, item 5). */
class RunIntegrityTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @AfterEach
    void noHook() {
        AtomicFiles.hook(null);
    }

    static TrainConfig linear() {
        return TinyRuns.linear("plain", 0);
    }

    static Trainer trainer(TrainConfig c, Path run, ByteArrayOutputStream log) {
        return new Trainer(c, run).progress(false).log(new PrintStream(log, true));
    }

    static Trainer trainer(TrainConfig c, Path run) {
        return trainer(c, run, new ByteArrayOutputStream());
    }

    static void rewrite(Path ckpt, java.util.function.Consumer<Map<String, INDArray>> edit) throws IOException {
        Checkpoint c = Checkpoint.read(ckpt);
        Map<String, INDArray> a = new LinkedHashMap<>(c.arrays());
        edit.accept(a);
        Checkpoint.write(ckpt, a, c.metaText());
    }

    @Test
    void aCrashBeforeResultJsonIsRenamedIsEvaluatedAgainOnResume() throws IOException {
        RunResult full = trainer(linear(), dir.resolve("full")).run(false);
        Path run = dir.resolve("cut");
        AtomicFiles.hook((tmp, target) -> {
            if (target.getFileName().toString().equals(RunDir.RESULT)) {
                throw new IOException("injected: disk full");
            }
        });
        assertThrows(IOException.class, () -> trainer(linear(), run).run(false));
        AtomicFiles.hook(null);
        assertFalse(new RunDir(run).finished());
        assertEquals(0, AtomicFiles.removeLeftovers(run.resolve(RunDir.RESULT)).size(), "no temporary left");
        RunResult r = trainer(linear(), run).run(true);
        assertEquals(RunResult.Status.FINISHED, r.status());
        assertEquals(full.testError(), r.testError());
        assertEquals(full.testLoss(), r.testLoss());
        assertEquals(full.trainLoss(), r.trainLoss());
        assertEquals(full.trainError(), r.trainError());
        assertEquals(full, new RunDir(run).readResult());
    }

    @Test
    void aDamagedLatestCheckpointFallsBackToThePreviousOneAndResumesExactly() throws IOException {
        TrainConfig c = linear();
        trainer(c, dir.resolve("full")).run(false);
        Path run = dir.resolve("cut");
        trainer(c, run).stopAfter(9).run(false); // checkpoints at steps 4 and 8 (4 steps per epoch)
        Path latest = run.resolve(RunDir.CHECKPOINT);
        Path prev = run.resolve(RunDir.PREVIOUS);
        assertTrue(Files.exists(prev));
        byte[] b = Files.readAllBytes(latest);
        Files.write(latest, java.util.Arrays.copyOf(b, b.length / 2)); // truncated
        Files.writeString(run.resolve("checkpoint.zip1234.tmp"), "left by a killed write");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RunResult r = trainer(c, run, log).run(true);
        assertEquals(RunResult.Status.FINISHED, r.status());
        String out = log.toString();
        assertTrue(out.contains(latest.toString()) && out.contains(prev.toString()) && out.contains("warning"), out);
        assertTrue(out.contains("checkpoint.zip1234.tmp"), out);
        assertFalse(Files.exists(run.resolve("checkpoint.zip1234.tmp")));
        assertEquals(TrainerTest.metrics(dir.resolve("full")), TrainerTest.metrics(run));

        // both damaged: one clear error naming both
        Path two = dir.resolve("two");
        trainer(c, two).stopAfter(9).run(false);
        Files.writeString(two.resolve(RunDir.CHECKPOINT), "garbage");
        Files.writeString(two.resolve(RunDir.PREVIOUS), "garbage");
        BadInput e = assertThrows(BadInput.class, () -> trainer(c, two).run(true)); // exit 2 (issue 22 item 2)
        assertTrue(e.getMessage().contains(RunDir.CHECKPOINT) && e.getMessage().contains(RunDir.PREVIOUS), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // the latest damaged and no previous: exit 2 as well
        Files.delete(two.resolve(RunDir.PREVIOUS));
        assertThrows(BadInput.class, () -> trainer(c, two).run(true));
    }

    /** Issue 22 item 1: the checkpoint after a fallback must not push the damaged latest over the only good one. */
    @Test
    void aCheckpointAfterAFallbackKeepsTheGoodPreviousOne() throws IOException {
        TrainConfig c = linear();
        Path run = dir.resolve("cut");
        trainer(c, run).stopAfter(9).run(false); // checkpoints at steps 4 and 8
        Path latest = run.resolve(RunDir.CHECKPOINT);
        Path prev = run.resolve(RunDir.PREVIOUS);
        Files.writeString(latest, "garbage");
        trainer(c, run).stopAfter(9).run(true); // falls back to step 4, checkpoints at 8
        Checkpoint.read(prev); // readable: not the damaged file
        Checkpoint.read(latest);
        assertEquals("garbage", Files.readString(run.resolve(RunDir.DAMAGED)), "the damaged file is kept aside for inspection");
    }

    @Test
    void resumeChecksMetricsConfigAndEveryCheckpointEntry() throws IOException {
        TrainConfig c = linear();
        Path base = dir.resolve("base");
        trainer(c, base).stopAfter(5).run(false); // checkpoint at step 4

        Path shortMetrics = copy(base, "short-metrics");
        Files.write(shortMetrics.resolve(RunDir.METRICS), new byte[10]);
        expectRefusal(c, shortMetrics, RunDir.METRICS);
        Path noMetrics = copy(base, "no-metrics");
        Files.delete(noMetrics.resolve(RunDir.METRICS));
        expectRefusal(c, noMetrics, "missing");

        Path noConfig = copy(base, "no-config");
        Files.delete(noConfig.resolve(RunDir.CONFIG));
        expectRefusal(c, noConfig, RunDir.CONFIG);

        Path noMoment = copy(base, "no-moment");
        String[] removed = new String[1];
        rewrite(noMoment.resolve(RunDir.CHECKPOINT), a -> {
            removed[0] = a.keySet().stream().filter(k -> k.startsWith("opt/rule/v/")).findFirst().orElseThrow();
            a.remove(removed[0]);
        });
        expectRefusal(c, noMoment, removed[0]);

        Path shape = copy(base, "shape");
        String[] param = new String[1];
        rewrite(shape.resolve(RunDir.CHECKPOINT), a -> {
            param[0] = a.keySet().stream().filter(k -> k.startsWith("param/")).findFirst().orElseThrow();
            a.put(param[0], Nd4j.zeros(a.get(param[0]).dataType(), 2, 2));
        });
        expectRefusal(c, shape, param[0]);

        Path extra = copy(base, "extra");
        rewrite(extra.resolve(RunDir.CHECKPOINT), a -> a.put("param/ghost", Nd4j.zeros(2)));
        expectRefusal(c, extra, "param/ghost");

        // the untouched copy resumes
        assertEquals(RunResult.Status.FINISHED, trainer(c, copy(base, "ok")).run(true).status());
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = dir.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private void expectRefusal(TrainConfig c, Path run, String named) throws IOException {
        Map<String, String> before = TinyRuns.snapshot(run);
        BadInput e = assertThrows(BadInput.class, () -> trainer(c, run).run(true));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(before, TinyRuns.snapshot(run), "files changed by a refused resume of " + run);
    }

    @Test
    void aSecondProcessSkipsAHeldRunAndAStaleLockIsTakenOver() throws Exception {
        Path run = dir.resolve("held");
        Files.createDirectories(run);
        // held by a live process (this one, as another process would hold it)
        Files.writeString(run.resolve(RunDir.LOCK), "{\"host\":\"" + RunDir.host() + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"since\":\"2026-01-01T00:00:00Z\"}");
        RunDir.Held h = assertThrows(RunDir.Held.class, () -> trainer(linear(), run).run(false));
        assertTrue(h.getMessage().contains("pid " + ProcessHandle.current().pid()) && h.getMessage().contains("since 2026-01-01"),
                h.getMessage());
        assertFalse(Files.exists(run.resolve(RunDir.CONFIG)), "a held run is not touched");
        // held by a process that has exited: taken over
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Files.writeString(run.resolve(RunDir.LOCK), "{\"host\":\"" + RunDir.host() + "\",\"pid\":" + p.pid() + ",\"since\":\"x\"}");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(RunResult.Status.FINISHED, trainer(linear(), run, log).run(false).status());
        assertTrue(log.toString().contains("stale lock"), log.toString());
        assertFalse(Files.exists(run.resolve(RunDir.LOCK)), "released");
    }

    @Test
    void aFiniteButExplodingLossStopsTheRun() throws IOException {
        // softmax regression at a huge learning rate: the loss grows linearly with the logits, stays finite
        TrainConfig c = linear().with("optimizer.rule", "sgd", "optimizer.lr", 1e8, "optimizer.schedule.name", "constant", "optimizer.schedule.warmupEpochs", 0);
        RunResult r = trainer(c, dir.resolve("boom")).run(false);
        assertEquals(RunResult.Status.DIVERGED, r.status(), r.message());
        assertTrue(r.message().contains("exceeds 1e+06"), r.message());
        assertFalse(new RunDir(dir.resolve("boom")).finished());
    }

    @Test
    void aFailedStartLeavesAFinishedRunAlone() throws IOException {
        Path run = dir.resolve("done");
        trainer(linear(), run).run(false);
        Map<String, String> before = TinyRuns.snapshot(run);
        assertThrows(BadInput.class, () -> trainer(linear().with("model.spec", "linaer"), run).run(false));
        assertThrows(BadInput.class, () -> trainer(linear().with("data.spec", "cifar10", "data.dir", dir.resolve("nowhere").toString()), run).run(false));
        BadInput e = assertThrows(BadInput.class, () -> trainer(linear(), run).run(false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        BadInput d = assertThrows(BadInput.class, () -> trainer(linear().with("optimizer.lr", 2e-2), run).run(true));
        assertTrue(d.getMessage().contains("optimizer.lr: 0.01 → 0.02") && !d.getMessage().contains("batch"), d.getMessage());
        assertEquals(before, TinyRuns.snapshot(run));
        RunResult again = trainer(linear().with("run.seed", 5), run).overwrite(true).run(false);
        assertEquals(RunResult.Status.FINISHED, again.status());
        assertNotEquals(before, TinyRuns.snapshot(run));
    }

    /**
     * Issue 22 item 4: a line inside the part of metrics.jsonl that the checkpoint covers that is not
     * a sound step or epoch line (unknown type, a field missing, blank, NUL bytes, garbled, a step
     * out of order) is refused on resume naming the line, and nothing is changed; lines after the
     * checkpoint's part may be anything (a kill cuts them), as before.
     */
    @Test
    void aDamagedLineInTheCheckpointedMetricsIsRefusedNamingIt() throws IOException {
        TrainConfig c = linear().with("run.checkpointEvery", 3);
        Path base = dir.resolve("base");
        trainer(c, base).stopAfter(7).run(false); // checkpoints at 3, 4 (epoch end) and 6; lines: steps 0-3, epoch 1, steps 4-6
        java.util.List<String> lines = Files.readAllLines(base.resolve(RunDir.METRICS));
        assertEquals(8, lines.size(), String.join("\n", lines));
        Map<String, String> damage = new LinkedHashMap<>();
        damage.put("unknown type 'stpe'", lines.get(1).replace("\"type\":\"step\"", "\"type\":\"stpe\""));
        damage.put("without a number for 'loss'", lines.get(1).replace("\"loss\":", "\"lxss\":"));
        damage.put("an empty line", " ".repeat(lines.get(1).length()));
        damage.put("CTRL-CHAR", "\0".repeat(lines.get(1).length()));
        damage.put("step 2 where step 1 was expected", lines.get(1).replace("\"step\":1,", "\"step\":2,"));
        damage.put("is damaged (", lines.get(1).substring(0, lines.get(1).length() - 3) + "x}}");
        int k = 0;
        for (Map.Entry<String, String> d : damage.entrySet()) {
            assertEquals(lines.get(1).length(), d.getValue().length(), d.getKey()); // same length: the checkpoint's byte count still ends a line
            Path run = dir.resolve("damaged" + k++);
            copy(base, run);
            java.util.List<String> edited = new java.util.ArrayList<>(lines);
            edited.set(1, d.getValue());
            Files.writeString(run.resolve(RunDir.METRICS), String.join("\n", edited) + "\n");
            Map<String, String> before = TinyRuns.snapshot(run);
            BadInput x = assertThrows(BadInput.class, () -> trainer(c, run).run(true), d.getKey());
            assertTrue(x.getMessage().contains("metrics.jsonl line 2 is damaged") && x.getMessage().contains(d.getKey())
                    && x.getMessage().contains("--overwrite"), x.getMessage());
            assertEquals(before, TinyRuns.snapshot(run), "nothing changed: " + d.getKey());
        }
        // a garbled line after the checkpoint's part (step 6, written after the checkpoint at 6) is dropped as before
        Path cut = dir.resolve("cut");
        copy(base, cut);
        java.util.List<String> edited = new java.util.ArrayList<>(lines);
        edited.set(7, "{\"type\":\"st");
        Files.writeString(cut.resolve(RunDir.METRICS), String.join("\n", edited));
        assertEquals(RunResult.Status.FINISHED, trainer(c, cut).run(true).status());
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    /**
     * Issue 22 part 5: the checkpoint records where the run ran and where its dropout masks were
     * drawn; a resume elsewhere (here: masks drawn by the counter-based generator instead of the
     * host's) says so in one note, since the numbers then differ from a run on one device.
     */
    @Test
    void theCheckpointRecordsTheDeviceAndMaskSourceAndAResumeElsewhereSaysSo() throws IOException {
        TrainConfig c = linear();
        Path run = dir.resolve("moved");
        trainer(c, run).stopAfter(5).run(false); // checkpoint at step 4
        Checkpoint.Meta meta = Checkpoint.read(run.resolve(RunDir.CHECKPOINT)).meta();
        assertEquals("cpu", meta.device());
        assertEquals("host", meta.masks());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            Trainer.device(org.gradreg.trainer.compute.Device.CPU, ModelOracle.MaskSource.DEVICE);
            trainer(c, run, log).run(true);
        } finally {
            Trainer.device(org.gradreg.trainer.compute.Device.CPU, null);
        }
        String text = log.toString();
        assertTrue(text.contains("resuming " + run + " at step 4 of 12 from checkpoint.zip (trained on cpu, dropout masks drawn on the host)"), text);
        assertTrue(text.contains("note: steps 1-4 ran on cpu with dropout masks drawn on the host; it continues on cpu with masks drawn on the "
                + "device"), text);
        ByteArrayOutputStream same = new ByteArrayOutputStream();
        Path again = dir.resolve("same");
        trainer(c, again).stopAfter(5).run(false);
        trainer(c, again, same).run(true);
        assertFalse(same.toString().contains("note:"), same.toString());
    }
}
