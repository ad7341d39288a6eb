package org.gradreg.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gradreg train --remake RUN_DIR}: the recorded run's own settings trained again and
 * compared line by line. A re-made run equals its record (exit 0); a record whose one metric was
 * changed is reported as not equal at that line (exit 1); options that would change the run, a
 * missing run and --out naming the recorded run itself are refused with one line (exit 2), with
 * nothing written.
 */
class RemakeTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    private static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("--quiet"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aRemadeRunEqualsItsRecordAndAChangedRecordDoesNot() throws Exception {
        Path a = dir.resolve("a");
        CommandLineTest.Outcome o = CommandLineTest.run(new TrainCommand(), args("--model", "linear", "--dataset", TinyRuns.DATA, "--batch",
                "16", "--epochs", "2", "--no-augment", "--seed", "5", "--out", a.toString()));
        assertEquals(0, o.code(), o.err());
        int lines = Files.readAllLines(a.resolve("metrics.jsonl")).size();

        o = CommandLineTest.run(new TrainCommand(), args("--remake", a.toString(), "--out", dir.resolve("b").toString()));
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("is equal to " + a + " in all " + lines + " metrics lines (wall times aside) and in result.json"), o.out());

        // one value of the record changed in its last digit: found, at its line
        List<String> m = new ArrayList<>(Files.readAllLines(a.resolve("metrics.jsonl")));
        String second = m.get(1);
        int at = second.indexOf("\"loss\":") + 7;
        int end = second.indexOf(',', at);
        double loss = Double.parseDouble(second.substring(at, end));
        m.set(1, second.substring(0, at) + Math.nextUp(loss) + second.substring(end));
        Files.write(a.resolve("metrics.jsonl"), m);
        o = CommandLineTest.run(new TrainCommand(), args("--remake", a.toString(), "--out", dir.resolve("c").toString()));
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("NOT equal to " + a + ": 1 of " + lines + " compared metrics lines differ (first: line 2: step 1, loss "),
                o.out());
    }

    @Test
    void optionsThatChangeTheRunAMissingRunAndTheRunItselfAsOutAreRefused() throws Exception {
        Path a = dir.resolve("a");
        CommandLineTest.Outcome o = CommandLineTest.run(new TrainCommand(), args("--model", "linear", "--dataset", TinyRuns.DATA, "--batch",
                "16", "--epochs", "1", "--no-augment", "--out", a.toString()));
        assertEquals(0, o.code(), o.err());
        String[][] bad = {
            {"--remake", a.toString(), "--out", dir.resolve("x").toString(), "--lr", "0.5"},
            {"--remake", dir.resolve("none").toString(), "--out", dir.resolve("x").toString()},
            {"--remake", a.toString(), "--out", a.toString()},
        };
        String[] expected = {"--lr cannot go with --remake", "no run there", "is the run given to --remake"};
        for (int i = 0; i < bad.length; i++) {
            o = CommandLineTest.run(new TrainCommand(), args(bad[i]));
            assertEquals(2, o.code(), o.out() + o.err());
            String[] errLines = o.err().strip().split("\n");
            assertEquals(1, errLines.length, o.err());
            assertTrue(errLines[0].contains(expected[i]), errLines[0]);
            assertFalse(Files.exists(dir.resolve("x")), "nothing written for " + List.of(bad[i]));
        }
    }
}
