package org.gradreg.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.AnalysisSpec;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.SpecRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 items 2 and 4: a registered analysis of finished runs (an analysis spec names the grid
 * spec whose runs it measures by hash, fixes the Hessian settings, and carries the claims): `grid`
 * refuses it, `hessian --spec` measures exactly the runs of the named spec with exactly the
 * registered settings (and skips what is done), and `report --spec` takes those runs and only
 * Hessian values measured with those settings.
 */
class AnalysisSpecTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    private static final String HESSIAN = "{\"batch\": 16, \"top\": 1, \"traceSamples\": 2, \"maxIterations\": 20, \"tolerance\": 0.001, "
            + "\"seed\": 0, \"fullGradient\": false, \"activationPattern\": \"frozen\"}";

    private Path gridSpec(String name, String seeds) throws Exception {
        Path spec = dir.resolve(name);
        Files.writeString(spec, "{\"base\": {\"model\": {\"spec\": \"linear\"}, \"data\": {\"spec\": \"" + TinyRuns.DATA + "\", \"augment\": false}, "
                + "\"run\": {\"batch\": 16, \"epochs\": 1}, \"optimizer\": {\"clip\": 0}}, \"axes\": {\"method\": [{\"estimator\": {\"name\": "
                + "\"plain\"}}, {\"estimator\": {\"name\": \"gr\", \"r\": 0.05, \"alpha\": 0.8}}], \"run.seed\": [" + seeds + "]}}");
        return spec;
    }

    private Path analysisSpec(Path of, String hessian) throws Exception {
        Path spec = dir.resolve("analysis.json");
        Files.writeString(spec, "{\"description\": \"flatness of the runs\", \"runsOf\": {\"file\": \"" + of + "\", \"sha256\": \""
                + SpecRecord.of(of).sha256() + "\"}, \"measure\": {\"hessian\": " + hessian + "}, \"report\": {\"claims\": [{\"id\": \"F3\", "
                + "\"claim\": \"GR lowers λ_max\", \"compare\": \"estimator.name=gr\", \"against\": \"estimator.name=plain\", \"metric\": "
                + "\"hessian_top\", \"expect\": \"lower\"}]}}");
        return spec;
    }

    private static List<Path> all(Path runs) throws Exception {
        return runDirs(runs);
    }

    private static void deleteTree(Path p) throws Exception {
        try (var w = Files.walk(p)) {
            for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static List<Path> runDirs(Path runs) throws Exception {
        try (var s = Files.walk(runs)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(RunDir.CONFIG))).sorted().toList();
        }
    }

    private static String[] args(String first, String second, List<Path> runs, String... more) {
        List<String> a = new ArrayList<>(List.of(first, second));
        a.addAll(List.of(more));
        runs.forEach(r -> a.add(r.toString()));
        return a.toArray(String[]::new);
    }

    @Test
    void anAnalysisMeasuresTheNamedSpecsRunsWithItsSettingsAndTheReportTakesNothingElse() throws Exception {
        Path grid = gridSpec("grid.json", "0, 1, 2");
        Path runs = dir.resolve("runs");
        CommandLineTest.Outcome o = CommandLineTest.run(new GridCommand(), grid.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(0, o.code(), o.out() + o.err());
        // two runs of another spec (another seed list: another hash) in the same folder
        Path other = gridSpec("other.json", "7");
        o = CommandLineTest.run(new GridCommand(), other.toString(), "--out", runs.resolve("other").toString(), "--quiet");
        assertEquals(0, o.code(), o.out() + o.err());
        Path analysis = analysisSpec(grid, HESSIAN);
        // a run of the named spec still training (here: stopped before its first checkpoint) is skipped, not refused
        Path cut = runs.resolve("cut");
        new Trainer(TinyRuns.linear("plain", 5), cut).progress(false).stopAfter(1).run(false);
        Path made = all(runs).stream().filter(r -> !r.equals(cut)).findFirst().orElseThrow();
        Files.copy(made.resolve(SpecRecord.FILE), cut.resolve(SpecRecord.FILE));
        o = CommandLineTest.run(new HessianCommand(), "--spec", analysis.toString(), cut.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("skipped " + cut + ": the run has not finished"), o.out());
        deleteTree(cut);
        List<Path> all = runDirs(runs);
        assertEquals(8, all.size());

        // grid refuses an analysis spec: one line naming it and what to run, exit 2
        o = CommandLineTest.run(new GridCommand(), analysis.toString(), "--out", dir.resolve("nothing").toString());
        assertEquals(2, o.code(), o.out() + o.err());
        assertEquals(1, o.err().strip().split("\n").length, o.err());
        assertTrue(o.err().contains(analysis + " is an analysis of the runs of " + grid), o.err());
        assertFalse(Files.exists(dir.resolve("nothing")));

        // a measurement option beside --spec is refused before anything is measured
        o = CommandLineTest.run(new HessianCommand(), args("--spec", analysis.toString(), all, "--top", "2"));
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains("--top") && o.err().contains("registers every setting"), o.err());
        assertTrue(all.stream().noneMatch(r -> Files.exists(r.resolve(RunDir.HESSIAN))));

        // measured: the six runs of the named spec, not the other one
        o = CommandLineTest.run(new HessianCommand(), args("--spec", analysis.toString(), all));
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("skipped " + runs.resolve("other")) && o.out().contains("not a run of " + grid), o.out());
        HessianSettings registered = new HessianSettings(16, 1, 2, 20, 1e-3, 0, false, HessianSettings.FROZEN);
        int measured = 0;
        for (Path r : all) {
            HessianResult h = new RunDir(r).readHessian();
            if (r.startsWith(runs.resolve("other"))) {
                assertEquals(null, h);
            } else {
                assertEquals(registered, h.settings(), r.toString());
                measured++;
            }
        }
        assertEquals(6, measured);
        // again: nothing left to measure
        o = CommandLineTest.run(new HessianCommand(), args("--spec", analysis.toString(), all));
        assertEquals(0, o.code(), o.out() + o.err());
        assertEquals(6, o.out().split("already measured with the registered settings", -1).length - 1, o.out());

        // one run measured again with other settings: the report leaves its Hessian value out, saying so
        Path changed = all.get(0);
        o = CommandLineTest.run(new HessianCommand(), "--batch", "16", "--top", "1", "--trace-samples", "3", "--max-iterations", "20",
                "--no-full-gradient", changed.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        HessianSettings measuredOtherwise = new RunDir(changed).readHessian().settings();
        assertNotEquals(registered, measuredOtherwise);
        // an unknown activation pattern: one line naming the option, exit 2, hessian.json untouched
        o = CommandLineTest.run(new HessianCommand(), "--activation-pattern", "fixed", changed.toString());
        assertEquals(2, o.code(), o.out() + o.err());
        assertEquals(1, o.err().strip().split("\n").length, o.err());
        assertTrue(o.err().contains("--activation-pattern") && o.err().contains("'fixed'"), o.err());
        assertEquals(measuredOtherwise, new RunDir(changed).readHessian().settings());
        Path out = dir.resolve("report");
        o = CommandLineTest.run(new ReportCommand(), runs.toString(), "--spec", analysis.toString(), "--out", out.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.err().contains("left out the Hessian values of " + changed) && o.err().contains("--trace-samples 3"), o.err());
        assertTrue(o.err().contains("2 runs") && o.err().contains("another version of the spec"), "the other spec's run kept apart: " + o.err());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("An analysis of the runs made from `" + grid + "` (sha256 `" + SpecRecord.of(grid).sha256() + "`)"), md);
        assertTrue(md.contains("`./gradreg hessian --spec " + analysis + " " + runs + "/run.*`"), md);
        var claims = Json.mapper().readTree(out.resolve("claims.json").toFile());
        var current = new ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        claims.forEach(c -> {
            if (!c.path("compared").asText().contains("[spec ")) { // the other spec's runs get their own row, never paired with these
                current.add(c);
            }
        });
        assertEquals(1, current.size(), claims.toString());
        assertEquals(2, current.get(0).path("paired_seeds").asInt(-1), "the seed whose run was measured otherwise is not paired: " + claims);
        assertEquals(2, current.get(0).path("compared_values").size(), claims.toString());
        assertEquals(3, current.get(0).path("against_values").size(), claims.toString());
    }

    @Test
    void anAnalysisSpecGivesEverySettingAndNothingElse() throws Exception {
        var ok = AnalysisSpec.parse(Json.mapper().readTree("{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": "
                + "{\"hessian\": " + HESSIAN + "}, \"report\": {}}"), "a.json");
        assertEquals(new HessianSettings(16, 1, 2, 20, 1e-3, 0, false, HessianSettings.FROZEN), ok.hessian());
        assertEquals("--batch 16 --top 1 --trace-samples 2 --max-iterations 20 --tolerance 0.001 --seed 0 --no-full-gradient",
                ok.hessian().options());
        // a spec registered before the choice existed measured with the pattern recomputed
        var old = AnalysisSpec.parse(Json.mapper().readTree("{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32)
                + "\"}, \"measure\": {\"hessian\": " + HESSIAN.replace(", \"activationPattern\": \"frozen\"", "") + "}, \"report\": {}}"),
                "a.json");
        assertEquals(new HessianSettings(16, 1, 2, 20, 1e-3, 0, false, HessianSettings.LIVE), old.hessian());
        assertEquals("--batch 16 --top 1 --trace-samples 2 --max-iterations 20 --tolerance 0.001 --seed 0 --no-full-gradient "
                + "--activation-pattern live", old.hessian().options());
        String[][] bad = {
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": {\"hessian\": "
                + HESSIAN.replace("\"frozen\"", "\"fixed\"") + "}, \"report\": {}}", "activationPattern must be 'frozen' or 'live'"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"abc\"}, \"measure\": {\"hessian\": " + HESSIAN + "}, \"report\": {}}", "sha256"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": {\"hessian\": "
                + HESSIAN.replace("\"seed\": 0, ", "") + "}, \"report\": {}}", "must give 'seed'"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": {\"hessian\": "
                + HESSIAN.replace("}", ", \"tops\": 2}") + "}, \"report\": {}}", "unknown key 'tops'"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"axes\": {}, \"measure\": {\"hessian\": "
                + HESSIAN + "}, \"report\": {}}", "unknown key 'axes'"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": {\"hessian\": " + HESSIAN + "}}",
                "no \"report\" section"},
            {"{\"runsOf\": {\"file\": \"g.json\", \"sha256\": \"" + "ab".repeat(32) + "\"}, \"measure\": {\"hessian\": "
                + HESSIAN.replace("\"top\": 1", "\"top\": 0") + "}, \"report\": {}}", "top"},
        };
        for (String[] b : bad) {
            BadInput e = assertThrows(BadInput.class, () -> AnalysisSpec.parse(Json.mapper().readTree(b[0]), "a.json"), b[0]);
            assertTrue(e.getMessage().contains(b[1]) && e.getMessage().contains("a.json"), e.getMessage());
        }
    }

    @Test
    void aPowerIterationThatDidNotConvergeIsNamedInTheReport() throws Exception {
        Path runs = dir.resolve("runs");
        Path a = runs.resolve("a");
        Path b = runs.resolve("b");
        new Trainer(TinyRuns.linear("plain", 0), a).progress(false).run(false);
        new Trainer(TinyRuns.linear("plain", 1), b).progress(false).run(false);
        HessianSettings s = new HessianSettings(16, 1, 2, 20, 1e-3, 0, false, HessianSettings.FROZEN);
        // residual 12 against λ 9 (what cnn-small gave, finite differences across ReLU kinks), and a converged one
        new RunDir(a).writeHessian(new HessianResult(a.toString(), 16, new double[] {9}, new double[] {12}, -400, 300, 2, 45, 1, null, null, s));
        new RunDir(b).writeHessian(new HessianResult(b.toString(), 16, new double[] {9}, new double[] {0.05}, 40, 3, 2, 45, 1, null, null, s));
        var r = org.gradreg.trainer.report.Report.of(runs, org.gradreg.trainer.report.ReportSpec.NONE);
        List<String> w = r.warnings().stream().filter(x -> x.contains("did not converge")).toList();
        assertEquals(1, w.size(), r.warnings().toString());
        assertTrue(w.get(0).contains(a.toString()) && w.get(0).contains("residual 12"), w.get(0));
    }
}
