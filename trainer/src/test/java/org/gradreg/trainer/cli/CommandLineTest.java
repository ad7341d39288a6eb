package org.gradreg.trainer.cli;

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
import java.util.Map;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.Group;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.run.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train, grid and report driven as a user would: bad input is one line, exit code 2, and no file is created or changed. */
class CommandLineTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    static final String DATA = TinyRuns.DATA;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(Object command, String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream sysOut = new ByteArrayOutputStream();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(sysOut, true));
        System.setErr(new PrintStream(sysErr, true));
        int code;
        try {
            // (picocli replaces its writers when System.out/err change, so they are set after the redirection)
            CommandLine cl = Cli.install(new CommandLine(command));
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Outcome(code, out + sysOut.toString(), err + sysErr.toString());
    }

    List<String> train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--model", "linear", "--dataset", DATA, "--batch", "16", "--epochs", "2", "--no-augment",
                "--clip", "0", "--quiet", "--eval-batch", "32", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private void badInput(Path out, String expected, String... more) throws Exception {
        Map<String, String> before = TinyRuns.snapshot(dir);
        Outcome o = run(new TrainCommand(), train(out, more).toArray(String[]::new));
        assertEquals(2, o.code(), o.err());
        String[] lines = o.err().strip().split("\n");
        assertEquals(1, lines.length, o.err());
        assertTrue(lines[0].startsWith("gradreg train: ") && lines[0].contains(expected), lines[0]);
        assertEquals(before, TinyRuns.snapshot(dir), "files created or changed by " + List.of(more));
    }

    @Test
    void badInputIsOneLineWithExitCode2AndWritesNothing() throws Exception {
        Path out = dir.resolve("run");
        badInput(out, "adamx", "--optimizer", "adamx");
        badInput(out, "conv must be im2col or winograd, got 'fft'", "--conv", "fft");
        badInput(out, "rho=abc", "--estimator", "sam:rho=abc");
        badInput(out, "alpha", "--gr", "r=0.1,alpha");
        badInput(out, "--gr takes GR's keys (e.g. --gr r=0.1,alpha=0.8), not an estimator spec", "--gr", "gr:r=0.1,alpha=0.8");
        badInput(out, "--gr takes GR's keys", "--gr", "sam:rho=0.05");
        badInput(out, "NaN", "--lr", "NaN");
        badInput(out, "vit-huge", "--model", "vit-huge");
        badInput(out, "rho", "--estimator", "sam:rho=-1");
        badInput(out, "warmup", "--warmup-epochs", "3");
        badInput(out, "adamx", "--optimizer", "adamw", "--optimizer", "adamx"); // the last of a repeated option counts
        badInput(out, "'abc'", "--batch", "abc");
        badInput(out, "batch 1000", "--batch", "1000");
        badInput(out, "vit-ti:pach", "--model", "vit-ti:pach=4");
        badInput(out, "model 'vit-ti:hiden=3': unknown vit-ti override 'hiden'", "--model", "vit-ti:hiden=3");
        badInput(out, "dataset 'synthetic:clases=3': unknown synthetic option 'clases'", "--dataset", "synthetic:clases=3");
        badInput(out, "unknown LR schedule 'cosin'; known: [constant, cosine]", "--schedule", "cosin");
        badInput(out, "--gr-warmup and --gr-warmup-epochs apply to GR (--gr or --estimator gr:…), not sam", "--estimator", "sam:rho=0.1",
                "--gr-warmup", "zero");
        badInput(out, "unknown GR warmup policy 'slow'", "--gr", "r=0.1,alpha=0.8", "--gr-warmup", "slow");
        badInput(out, "the GR warmup is given twice", "--gr", "r=0.1,alpha=0.8,warmup=r", "--gr-warmup", "zero");
        badInput(out, "warmup_epochs needs a warmup policy", "--gr", "r=0.1,alpha=0.8", "--gr-warmup-epochs", "1");
        badInput(out, "longer than the run's 8 steps", "--gr", "r=0.1,alpha=0.8", "--gr-warmup", "zero", "--gr-warmup-epochs", "3");
        Path cifar = dir.resolve("cifar");
        Files.createDirectories(cifar);
        for (int i = 1; i <= 5; i++) {
            Files.write(cifar.resolve("data_batch_" + i + ".bin"), new byte[10000 * 3073]);
        }
        Files.write(cifar.resolve("test_batch.bin"), new byte[1000]);
        badInput(out, "test_batch.bin has 1000 bytes", "--dataset", "cifar10", "--data", cifar.toString());
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(cfg, "{\"lerning-rate\": 0.1}");
        badInput(out, "lerning-rate", "--config", cfg.toString());
        Path recorded = dir.resolve("recorded-run");
        Files.createDirectories(recorded);
        Files.writeString(recorded.resolve("config.json"), "{\"model\": {\"spec\": \"linear\"}, \"run\": {\"batch\": 8}}");
        badInput(out, "is a run's recorded configuration (the config.json of a run directory), not a file of train's options; to make that run "
                + "again: gradreg train --remake " + recorded.toAbsolutePath(), "--config", recorded.resolve("config.json").toString());
        Path yaml = dir.resolve("cfg.yaml");
        Files.writeString(yaml, "lr: 0.1\nlerning-rate: 0.2\n");
        badInput(out, "config file " + yaml + ": unknown key 'lerning-rate'", "--config", yaml.toString());
        Files.writeString(yaml, "lr: [0.1\n");
        badInput(out, "config file " + yaml + " is not valid YAML", "--config", yaml.toString());
        // issue 22 item 11: a range error from the file's values names the file and what it set
        Files.writeString(cfg, "{\"lr\": -1, \"weight-decay\": 0.05}");
        badInput(out, "learning rate must be positive and finite, got -1.0 (config file " + cfg + " sets lr=-1, weight-decay=0.05)", "--config",
                cfg.toString());
    }

    /** The GR options are the estimator's keys in config.json; --estimator takes them too. */
    @Test
    void theGrOptionsBecomeTheEstimatorsKeys() throws Exception {
        Path out = dir.resolve("gr");
        Outcome o = run(new TrainCommand(), train(out, "--epochs", "1", "--gr", "r=0.05,alpha=0.8", "--gr-warmup", "lambda", "--gr-warmup-epochs",
                "0.5").toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        TrainConfig c = new RunDir(out).readConfig();
        assertEquals(EstimatorConfig.parse("gr:r=0.05,alpha=0.8,warmup=lambda,warmup_epochs=0.5"), c.estimator());
        assertTrue(Files.readString(out.resolve(RunDir.CONFIG)).contains("\"warmup\" : \"lambda\""), "stored as a key");
        Path same = dir.resolve("same");
        assertEquals(0, run(new TrainCommand(), train(same, "--epochs", "1", "--estimator", "gr:r=0.05,alpha=0.8,warmup=lambda,warmup_epochs=0.5")
                .toArray(String[]::new)).code());
        assertEquals(c, new RunDir(same).readConfig());
        assertEquals(Files.readString(out.resolve(RunDir.METRICS)).replaceAll(",\"time_s\":[^}]*", ""),
                Files.readString(same.resolve(RunDir.METRICS)).replaceAll(",\"time_s\":[^}]*", ""));
    }

    @Test
    void aYamlConfigFileSetsOptionsAsAJsonOneDoes() throws Exception {
        Path yaml = dir.resolve("cfg.yml");
        Files.writeString(yaml, "# one short run\nlr: 0.05\nweight-decay: 0.001\nepochs: 1\nseed: 7\n");
        Path out = dir.resolve("yaml");
        Outcome o = run(new TrainCommand(), train(out, "--config", yaml.toString()).toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        TrainConfig c = new RunDir(out).readConfig();
        assertEquals(0.05, c.optimizer().lr());
        assertEquals(0.001, c.optimizer().weightDecay());
        assertEquals(7, c.run().seed());
        assertEquals(2, c.run().epochs()); // train(...) gives --epochs 2 on the command line, which wins over the file
    }

    @Test
    void newFloatRunsTakeWinogradAndAResumeKeepsTheRunsOwnConvolutions() throws Exception {
        String[] cnn = {"--model", "cnn-small:width=8", "--epochs", "1"}; // (the last --model counts)
        Path floatRun = dir.resolve("conv-float");
        Outcome made = run(new TrainCommand(), train(floatRun, cnn).toArray(String[]::new));
        assertEquals(0, made.code(), made.err());
        assertEquals("winograd", new RunDir(floatRun).readConfig().model().conv(), "a new FLOAT run of a convolutional model");
        Path doubleRun = dir.resolve("conv-double");
        assertEquals(0, run(new TrainCommand(), train(doubleRun, "--model", "cnn-small:width=8", "--epochs", "1", "--dtype", "double")
                .toArray(String[]::new)).code());
        assertEquals("im2col", new RunDir(doubleRun).readConfig().model().conv(), "a new DOUBLE run (computed by im2col)");
        Path linearRun = dir.resolve("conv-linear");
        assertEquals(0, run(new TrainCommand(), train(linearRun, "--epochs", "1").toArray(String[]::new)).code());
        assertEquals("im2col", new RunDir(linearRun).readConfig().model().conv(), "the linear model has no convolution: its config as before");
        // a run recorded before the default changed: its config.json has no model.conv, which means im2col
        Path config = new RunDir(floatRun).config();
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) org.gradreg.trainer.Json.mapper()
                .readTree(config.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).remove("conv");
        Files.writeString(config, root.toString());
        assertEquals("im2col", new RunDir(floatRun).readConfig().model().conv());
        Map<String, String> before = TinyRuns.snapshot(floatRun);
        Outcome same = run(new TrainCommand(), train(floatRun, "--model", "cnn-small:width=8", "--epochs", "1", "--resume").toArray(String[]::new));
        assertEquals(0, same.code(), "the same command resumes the recorded run with its own convolutions: " + same.err());
        Outcome other = run(new TrainCommand(), train(floatRun, "--model", "cnn-small:width=8", "--epochs", "1", "--resume", "--conv", "winograd")
                .toArray(String[]::new));
        assertEquals(2, other.code());
        assertTrue(other.err().contains("model.conv: im2col → winograd"), other.err());
        assertEquals(before, TinyRuns.snapshot(floatRun));
    }

    @Test
    void oneEpochWorksAndAConfigFileIsOverriddenByTheCommandLine() throws Exception {
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(cfg, "{\"lr\": 0.05, \"weight-decay\": 0.001, \"epochs\": 1, \"--seed\": 7}");
        Path out = dir.resolve("one");
        Outcome o = run(new TrainCommand(), train(out, "--epochs", "1", "--config", cfg.toString(), "--lr", "0.02")
                .stream().filter(s -> true).toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        TrainConfig c = new RunDir(out).readConfig();
        assertEquals(0.02, c.optimizer().lr()); // the command line wins
        assertEquals(0.001, c.optimizer().weightDecay()); // from the file
        assertEquals(7, c.run().seed());
        assertEquals(1, c.run().epochs());
        assertEquals(0.2, c.optimizer().schedule().warmupEpochs(), 1e-12); // the default warmup scaled to a one-epoch run
        // the same command again: the finished run is not overwritten
        Map<String, String> before = TinyRuns.snapshot(out);
        Outcome again = run(new TrainCommand(), train(out, "--epochs", "1", "--config", cfg.toString(), "--lr", "0.02").toArray(String[]::new));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--overwrite"), again.err());
        // a changed setting on --resume names only that setting
        Outcome changed = run(new TrainCommand(), train(out, "--epochs", "1", "--config", cfg.toString(), "--lr", "0.03", "--resume")
                .toArray(String[]::new));
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("optimizer.lr: 0.02 → 0.03") && !changed.err().contains("seed"), changed.err());
        assertEquals(before, TinyRuns.snapshot(out));
    }

    @Test
    void gridSpecsAreCheckedCompletelyAndAFailingRunDoesNotStopTheShard() throws Exception {
        Path spec = dir.resolve("spec.json");
        Path runs = dir.resolve("runs");
        Files.writeString(spec, "{\"base\": {\"model\": \"linear\"}, \"axis\": {\"seed\": [0, 1]}}");
        Outcome o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("gradreg grid: ") && o.err().contains("'axis'"), o.err());
        Files.writeString(spec, "{}");
        assertEquals(2, run(new GridCommand(), spec.toString(), "--list").code());
        Files.writeString(spec, "{\"base\": {\"model\": \"linear\", \"dataset\": \"" + DATA + "\", \"batch\": 16}, \"axes\": {\"model\": [\"linear\", \"vit-huge\"]}}");
        o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("run 1") && o.err().contains("vit-huge"), o.err());
        assertFalse(Files.exists(runs));
        // a bad report section is refused before anything runs
        Files.writeString(spec, "{\"base\": {\"model\": {\"spec\": \"linear\"}}, \"axes\": {\"run.seed\": [0]}, \"report\": {\"x\": \"estimator.alpha\", "
                + "\"colour\": 1}}");
        o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("report: unknown key 'colour'"), o.err());
        assertFalse(Files.exists(runs));

        String base = "\"base\": {\"model\": {\"spec\": \"linear\"}, \"data\": {\"spec\": \"" + DATA + "\", \"augment\": false}, "
                + "\"run\": {\"batch\": 16, \"epochs\": 1}, \"optimizer\": {\"clip\": 0}}";
        Files.writeString(spec, "{" + base + ", \"axes\": {\"run.seed\": [0, 1, 2]}}");
        // run 1's directory holds a started run of other settings: it fails at run time, runs 0 and 2 go on
        Path blocked = runs.resolve("run.seed-1");
        Files.createDirectories(blocked);
        new RunDir(blocked).writeConfig(TinyRuns.linear("plain", 1));
        o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("run.seed-1 failed") && o.out().contains("1 of 3 runs failed"), o.out());
        assertTrue(new RunDir(runs.resolve("run.seed-0")).finished() && new RunDir(runs.resolve("run.seed-2")).finished());
        assertTrue(Files.exists(blocked.resolve(GridCommand.FAILED)));
        // the spec changed over finished runs: reported, not skipped silently
        Files.writeString(spec, "{" + base.replace("\"clip\": 0", "\"clip\": 1") + ", \"axes\": {\"run.seed\": [0, 2]}}");
        o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertTrue(o.out().contains("optimizer.clip: 0.0 → 1.0"), o.out());
        o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(1, o.code());
        assertTrue(o.out().contains("other settings") && o.out().contains("optimizer.clip: 0.0 → 1.0"), o.out());
    }

    @Test
    void reportGroupsByEverySettingCountsASeedOnceAndSkipsADamagedRun() throws Exception {
        Path runs = dir.resolve("runs");
        for (double lr : new double[] {0.01, 0.02}) {
            for (long seed : new long[] {0, 1}) {
                TrainConfig c = TinyRuns.linear("plain", seed).with("optimizer.lr", lr);
                new Trainer(c, runs.resolve("lr" + lr + "-s" + seed)).progress(false).log(new PrintStream(new ByteArrayOutputStream()))
                        .run(false);
            }
        }
        // a copy of one run (say, a backup) and a run with a damaged metrics line
        Path copy = dir.resolve("runs/backup/lr0.01-s0");
        Files.createDirectories(copy);
        for (String f : List.of(RunDir.CONFIG, RunDir.METRICS, RunDir.RESULT)) {
            Files.copy(runs.resolve("lr0.01-s0").resolve(f), copy.resolve(f));
        }
        Path damaged = runs.resolve("lr0.02-s1").resolve(RunDir.METRICS);
        List<String> lines = new ArrayList<>(Files.readAllLines(damaged));
        lines.set(3, lines.get(3).substring(0, 20));
        Files.write(damaged, lines);
        Outcome o = run(new ReportCommand(), runs.toString());
        assertEquals(0, o.code(), o.err());
        Report r = Report.of(runs);
        assertEquals(2, r.groups().size(), r.table());
        Map<String, Group> cells = r.byCell();
        assertTrue(r.table().contains("lr 0.01") && r.table().contains("lr 0.02"), r.table());
        for (Group g : cells.values()) {
            assertEquals(g.row().contains("lr 0.01") ? 2 : 1, g.testErrors().size(), g.row());
        }
        assertTrue(o.err().contains("repeats seed 0") && o.err().contains("counted once"), o.err());
        assertTrue(o.err().contains("lr0.02-s1") && o.err().contains("line 4 is damaged"), o.err());
    }

    /** Issue 22 items 5, 10 and 12: refused with one line, exit 2, nothing written. */
    @Test
    void resumeOfAMissingDirectoryAFileAsOutAndGrWithEstimatorAreRefused() throws Exception {
        badInput(dir.resolve("nosuch"), "does not exist", "--resume");
        assertFalse(Files.exists(dir.resolve("nosuch")));
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a run");
        badInput(file, "is a file, not a directory");
        badInput(dir.resolve("both"), "--estimator", "--gr", "r=0.05", "--estimator", "sam:rho=0.05");
    }

    /** Issue 22 item 3: --resume with the checkpoints gone refuses instead of deleting the metrics and restarting. */
    @Test
    void resumeWithTheCheckpointsGoneKeepsTheMetrics() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, run(new TrainCommand(), train(out).toArray(String[]::new)).code());
        Files.delete(out.resolve(RunDir.RESULT));
        Files.delete(out.resolve(RunDir.CHECKPOINT));
        Files.delete(out.resolve(RunDir.PREVIOUS));
        badInput(out, "no checkpoint", "--resume");
    }

    /** Issue 22 item 11: a misspelt key or a fraction for a whole number in a hand-edited config.json is refused on resume, naming it. */
    @Test
    void aHandEditedConfigWithAMisspeltKeyIsRefusedOnResume() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, run(new TrainCommand(), train(out, "--checkpoint-every", "2").toArray(String[]::new)).code());
        Files.delete(out.resolve(RunDir.RESULT));
        String saved = Files.readString(out.resolve(RunDir.CONFIG));
        Files.writeString(out.resolve(RunDir.CONFIG), saved.replace("\"seed\" : 0,\n    \"checkpointEvery\"", "\"sed\" : 0,\n    \"checkpointEvery\""));
        badInput(out, out.resolve(RunDir.CONFIG) + " (edited by hand or damaged): unknown setting 'run.sed'", "--resume", "--checkpoint-every", "2");
        Files.writeString(out.resolve(RunDir.CONFIG), saved.replace("\"epochs\" : 2,", "\"epochs\" : 2.5,"));
        badInput(out, "'run.epochs' must be a whole number, not 2.5", "--resume", "--checkpoint-every", "2");
    }

    /** A spec's "environment" pins: a process that differs is refused before anything runs (exit 2, one line, nothing written). */
    @Test
    void aSpecsPinnedEnvironmentIsEnforcedBeforeAnythingRuns() throws Exception {
        Path spec = dir.resolve("spec.json");
        Path runs = dir.resolve("runs");
        String base = "\"base\": {\"model\": {\"spec\": \"linear\"}, \"data\": {\"spec\": \"" + DATA + "\", \"augment\": false}, "
                + "\"run\": {\"batch\": 16, \"epochs\": 1}, \"optimizer\": {\"clip\": 0}}, \"axes\": {\"run.seed\": [0]}";
        Files.writeString(spec, "{" + base + ", \"environment\": {\"OPENBLAS_CORETYPE\": \"NoSuchKernel\", \"threads\": 1}}");
        Outcome o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().startsWith("gradreg grid: ") && o.err().contains("pins OPENBLAS_CORETYPE=NoSuchKernel")
                && o.err().contains("run it as OPENBLAS_CORETYPE=NoSuchKernel gradreg grid"), o.err());
        assertEquals(1, o.err().strip().split("\n").length, o.err());
        assertFalse(Files.exists(runs));
        o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("grid: note: ") && o.out().contains("pins OPENBLAS_CORETYPE=NoSuchKernel") && o.out().contains("run.seed-0"), o.out());

        Files.writeString(spec, "{" + base + ", \"environment\": {\"threads\": 1}}");
        o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet", "--threads", "3");
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains("pins threads 1") && o.err().contains("--threads 3"), o.err());
        assertFalse(Files.exists(runs));
        Files.writeString(spec, "{" + base + ", \"environment\": {\"JAVA_HOME\": \"/x\"}}");
        o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains("environment key 'JAVA_HOME'"), o.err());

        // pins the process meets: the runs are made
        Files.writeString(spec, "{" + base + ", \"environment\": {\"threads\": 1}}");
        o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(new RunDir(runs.resolve("run.seed-0")).finished());
    }

    /** Issue 22 item 16: --list of a spec whose data is not on this machine lists the runs with a note; running it is refused. */
    @Test
    void listWorksBeforeTheDataIsInPlace() throws Exception {
        Path spec = dir.resolve("spec.json");
        Path runs = dir.resolve("runs");
        Path data = dir.resolve("no-such-cifar");
        Files.writeString(spec, "{\"base\": {\"model.spec\": \"vit-ti\", \"data\": {\"spec\": \"cifar10\", \"dir\": \"" + data + "\"}}, "
                + "\"axes\": {\"run.seed\": [0, 1]}}");
        Outcome o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("grid: note: data directory " + data + " does not exist; set \"data.dir\"") && o.out().contains("run.seed-1"),
                o.out());
        assertEquals(1, o.out().split("grid: note").length - 1, "one note for both runs: " + o.out());
        o = run(new GridCommand(), spec.toString(), "--out", runs.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("data directory " + data + " does not exist"), o.err());
        // a spec error other than the data's still fails --list
        Files.writeString(spec, "{\"base\": {\"model.spec\": \"vit-huge\", \"data\": {\"spec\": \"cifar10\", \"dir\": \"" + data + "\"}}}");
        assertEquals(2, run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString()).code());
        assertFalse(Files.exists(runs));
    }

    /** Issue 22 item 7: --list says whether a holder is alive; a shard takes over a run whose holder died while it ran. */
    @Test
    void aGridShardTakesOverARunWhoseHolderDiedAndListSaysWhichHoldersAreGone() throws Exception {
        Path spec = dir.resolve("spec.json");
        Path runs = dir.resolve("runs");
        Files.writeString(spec, "{\"base\": {\"model\": {\"spec\": \"linear\"}, \"data\": {\"spec\": \"" + DATA + "\", \"augment\": false}, "
                + "\"run\": {\"batch\": 16, \"epochs\": 1}, \"optimizer\": {\"clip\": 0}}, \"axes\": {\"run.seed\": [0, 1, 2]}}");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process holder = new ProcessBuilder("sleep", "600").start();
        try {
            lock(runs.resolve("run.seed-0"), RunDir.host(), holder.pid());
            lock(runs.resolve("run.seed-1"), RunDir.host(), dead.pid());
            lock(runs.resolve("run.seed-2"), "elsewhere.example", 1);
            Outcome o = run(new GridCommand(), spec.toString(), "--list", "--out", runs.toString());
            String[] lines = o.out().split("\n");
            assertTrue(lines[1].contains("(running)"), o.out());
            assertTrue(lines[2].contains("process gone"), o.out());
            assertTrue(lines[3].contains("another host"), o.out());
            // the live holder dies while the shard trains another run
            org.gradreg.common.io.AtomicFiles.hook((tmp, target) -> holder.destroyForcibly());
            try {
                o = run(new GridCommand(), spec.toString(), "--out", runs.toString(), "--quiet");
            } finally {
                org.gradreg.common.io.AtomicFiles.hook(null);
            }
            assertTrue(new RunDir(runs.resolve("run.seed-0")).finished(), o.out());
            assertTrue(new RunDir(runs.resolve("run.seed-1")).finished(), o.out());
            assertFalse(new RunDir(runs.resolve("run.seed-2")).finished(), o.out());
            assertTrue(o.out().contains("no longer held") && o.out().contains("left to them") && o.out().contains("another host"), o.out());
        } finally {
            holder.destroyForcibly();
        }
    }

    private static void lock(Path run, String host, long pid) throws java.io.IOException {
        Files.createDirectories(run);
        Files.writeString(run.resolve(RunDir.LOCK), "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"since\":\"2026-01-01T00:00:00Z\"}");
    }
}
