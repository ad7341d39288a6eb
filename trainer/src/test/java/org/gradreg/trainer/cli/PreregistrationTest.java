package org.gradreg.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.Group;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.report.ReportSpec;
import org.gradreg.trainer.run.SpecRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 item 2 (pre-registration: the spec's hash and commit recorded with the runs and the
 * report; runs of a changed spec are another experiment, kept beside) and issue 22 item 13
 * (`report` of a folder without finished runs: one line, exit 2, nothing written).
 */
class PreregistrationTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    private static String git(Path repo, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.email=t@t", "-c", "user.name=t",
                "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out.strip();
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void reportOfAFolderWithoutFinishedRunsIsOneLineExit2() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        CommandLineTest.Outcome o = CommandLineTest.run(new ReportCommand(), empty.toString());
        assertEquals(2, o.code(), o.out() + o.err());
        assertEquals(1, o.err().strip().split("\n").length, o.err());
        assertTrue(o.err().contains("no finished runs under " + empty), o.err());
        try (var s = Files.list(empty)) {
            assertEquals(0, s.count(), "nothing written");
        }
        // only an unfinished run: the same, and it is counted in the line
        new Trainer(TinyRuns.linear("plain", 0), empty.resolve("cut")).progress(false).stopAfter(1).run(false);
        o = CommandLineTest.run(new ReportCommand(), empty.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("(1 runs diverged or unfinished)"), o.err());
        assertFalse(Files.exists(empty.resolve("report.md")));
    }

    @Test
    void runsRecordTheSpecAndAChangedSpecIsAnotherExperimentKeptBeside() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Path spec = repo.resolve("spec.json");
        String base = "\"base\": {\"model\": {\"spec\": \"linear\"}, \"data\": {\"spec\": \"" + TinyRuns.DATA + "\", \"augment\": false}, "
                + "\"run\": {\"batch\": 16, \"epochs\": 1}, \"optimizer\": {\"clip\": 0}}";
        String report = "\"report\": {\"claims\": [{\"id\": \"T1\", \"claim\": \"c\", \"compare\": \"estimator.name=gr\", \"against\": "
                + "\"estimator.name=plain\", \"expect\": \"lower\"}]}";
        String axes = "\"axes\": {\"method\": [{\"estimator\": {\"name\": \"plain\"}}, {\"estimator\": {\"name\": \"gr\", \"r\": 0.05, \"alpha\": 0.8}}], "
                + "\"run.seed\": [SEEDS]}";
        Files.writeString(spec, "{\"description\": \"first\", " + base + ", " + axes.replace("SEEDS", "0, 1, 2") + ", " + report + "}");
        git(repo, "add", "spec.json");
        git(repo, "commit", "-q", "-m", "spec");
        String head = git(repo, "rev-parse", "HEAD");
        String hash1 = sha256(spec);
        Path runs = dir.resolve("runs");
        CommandLineTest.Outcome o = CommandLineTest.run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(0, o.code(), o.out() + o.err());
        List<Path> records;
        try (var s = Files.walk(runs)) {
            records = s.filter(p -> p.getFileName().toString().equals(SpecRecord.FILE)).toList();
        }
        assertEquals(6, records.size());
        for (Path r : records) {
            var n = Json.mapper().readTree(r.toFile());
            assertEquals(hash1, n.path("sha256").asText());
            assertEquals(head, n.path("commit").asText(), "a committed, unmodified spec names its commit");
        }
        Path out = dir.resolve("report");
        o = CommandLineTest.run(new ReportCommand(), runs.toString(), "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("sha256 `" + hash1 + "`") && md.contains("commit `" + head + "`"), md);
        // the commit that made the runs comes from their own records, not from the checkout at report time
        assertTrue(md.contains("its runs were made at commit `" + head + "` (6 runs)"), md);

        // the spec changes after its runs (one more seed, a new description), uncommitted: the old runs are another experiment
        Files.writeString(spec, "{\"description\": \"second\", " + base + ", " + axes.replace("SEEDS", "0, 1, 2, 3") + ", " + report + "}");
        assertEquals(SpecRecord.UNCOMMITTED, SpecRecord.of(spec).commit());
        String hash2 = sha256(spec);
        Path runs2 = dir.resolve("runs2");
        // the new spec's runs go into another folder here; both folders are reported together below
        o = CommandLineTest.run(new GridCommand(), spec.toString(), "--out", runs2.toString(), "--quiet");
        assertEquals(0, o.code(), o.out() + o.err());
        Files.move(runs, runs2.resolve("old"));
        Report r = Report.of(runs2, ReportSpec.parse(Json.mapper().readTree(Files.readString(spec)).get("report"), "t"), SpecRecord.of(spec));
        Map<String, Long> byExperiment = new java.util.TreeMap<>();
        for (Group g : r.groups()) {
            byExperiment.merge(g.experiment(), (long) g.counted(), Long::sum);
        }
        String old = "spec " + hash1.substring(0, 12) + ", commit " + head.substring(0, 7);
        assertEquals(Map.of("", 8L, old, 6L), byExperiment, "kept beside, not merged: " + r.table());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("6 runs") && w.contains(old) && w.contains(hash2.substring(0, 12))),
                r.warnings().toString());
        // the claim is tested on each experiment separately, never across them
        assertEquals(2, r.claims().size(), r.claims().toString());
        for (var c : r.claims()) {
            assertEquals(c.compared().experiment(), c.against().experiment());
        }
        assertEquals(4, r.claims().stream().filter(c -> c.compared().experiment().isEmpty()).findFirst().orElseThrow().test().n());
        r.write(dir.resolve("report2"));
        md = Files.readString(dir.resolve("report2/report.md"));
        assertTrue(md.contains("uncommitted (not in a git tree at a clean state") && md.contains("[" + old + "]"), md);
        assertTrue(md.contains("its runs were made from an uncommitted spec (8 runs)"), md);

        // a run held by a live process elsewhere gets no record from a shard that skips it
        Path held = runs2.resolve("method-gr,r=0.05,alpha=0.8_run.seed-3");
        assertTrue(Files.exists(held.resolve(SpecRecord.FILE)), "the name of a run of the second spec");
        try (var w = Files.walk(held)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectories(held);
        Files.writeString(held.resolve(org.gradreg.trainer.run.RunDir.LOCK), "{\"host\":\"elsewhere.example\",\"pid\":1,\"since\":\"2026-01-01T00:00:00Z\"}");
        o = CommandLineTest.run(new GridCommand(), spec.toString(), "--out", runs2.toString(), "--quiet");
        assertTrue(o.out().contains("left to them"), o.out());
        assertFalse(Files.exists(held.resolve(SpecRecord.FILE)));
    }
}
