package org.gradreg.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.loop.RunPlan;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.report.ReportSpec;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.gradreg.trainer.run.SpecRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradreg grid SPEC --shard i/n}: runs share i of n of an experiment grid. Every run of the
 * spec is checked before the first one starts (and at {@code --list}). Finished runs are skipped
 * (reported when their settings differ from the spec) and interrupted ones resume from their
 * checkpoint, so a job array can be resubmitted as is; a run held by another process is skipped
 * with one line; a failing run is recorded ({@value #FAILED} in its directory), the shard goes on
 * and exits with 1 at the end.
 */
@Command(name = "grid", mixinStandardHelpOptions = true, resourceBundle = "org.gradreg.trainer.cli.OptionHelp",
        description = {"Expand an experiment grid (JSON spec; see docs/experiments.md) and run one shard of it.",
                "Slurm: sbatch --array=0-15 --wrap 'gradreg grid spec.json --shard $SLURM_ARRAY_TASK_ID/16 --out runs/'"})
public final class GridCommand implements Callable<Integer> {

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Parameters(index = "0", descriptionKey = "gridSpec", description = "Grid spec (JSON).")
    Path spec;

    @Option(names = "--shard", description = "i/n: run the runs whose number is i mod n (default: ${DEFAULT-VALUE}, all).",
            defaultValue = "0/1")
    String shard;

    @Option(names = "--out", description = "Directory of the run directories (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
    Path out;

    @Option(names = "--list", description = "Only list the runs of this shard.")
    boolean list;

    @Option(names = "--threads", description = "CPU threads: ND4J's and the backend's own split of large GEMMs and kernels; OpenBLAS stays at one (0: one per core; a spec's \"environment\": {\"threads\": N} pins it).", defaultValue = "0")
    int threads;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Option(names = "--overwrite", description = "Rerun finished runs whose settings differ from the spec (deleting them).")
    boolean overwrite;

    private SpecRecord specRecord;
    /** Each run's plan, made when the grid is checked before anything runs; the trainer takes it. */
    private Map<Grid.Run, RunPlan> plans;

    /** The file that records a failed run in its directory (removed when the run finishes). */
    public static final String FAILED = "failed.json";

    @Override
    public Integer call() throws Exception {
        deviceOptions.apply();
        String[] p = shard.split("/");
        int i;
        int n;
        try {
            if (p.length != 2) {
                throw new NumberFormatException();
            }
            i = Integer.parseInt(p[0].trim());
            n = Integer.parseInt(p[1].trim());
        } catch (NumberFormatException e) {
            throw new BadInput("--shard must be i/n, e.g. 3/16; got " + shard);
        }
        JsonNode root = Grid.readTree(spec);
        specRecord = SpecRecord.of(spec); // pre-registration: each run records the spec it was made from
        ReportSpec reportSpec = ReportSpec.parse(root.get("report"), "grid spec " + spec); // what `gradreg report --spec` will compare, checked now
        Grid grid = Grid.parse(root, spec.toString());
        reportSpec.checkPairs(grid.runs().stream().map(r -> org.gradreg.trainer.config.Settings.of(r.config())).toList(), "grid spec " + spec);
        org.gradreg.trainer.loop.EnvironmentPins pins = org.gradreg.trainer.loop.EnvironmentPins.parse(root.get("environment"), spec.toString());
        int runThreads = pins.threads(threads, spec.toString());
        List<Grid.Run> mine;
        try {
            mine = grid.shard(i, n);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage());
        }
        List<String> missingData = new ArrayList<>();
        plans = grid.check(list ? missingData::add : null); // every run, before anything runs; --list also where the data is not here yet
        System.out.printf(Locale.ROOT, "grid %s: %d runs in all, %d in shard %d/%d%n", spec, grid.runs().size(), mine.size(), i, n);
        for (String m : missingData) { // issue 22 item 16: --list works before the data is in place, and says what is missing
            System.out.println("grid: note: " + m + "; set \"data.dir\" in the spec to where the data is before running");
        }
        if (list) {
            try {
                pins.check(System::getenv, spec.toString());
            } catch (BadInput e) {
                System.out.println("grid: note: " + e.getMessage());
            }
            for (Grid.Run r : mine) {
                System.out.printf(Locale.ROOT, "%4d %s%s%n", r.index(), r.name(), state(r));
            }
            return 0;
        }
        pins.check(System::getenv, spec.toString()); // before anything runs: runs made elsewhere would differ from the recorded ones
        Trainer.threads(runThreads);
        List<String> failed = new ArrayList<>();
        List<Grid.Run> held = new ArrayList<>();
        org.gradreg.trainer.loop.Preemption.install();
        for (Grid.Run r : mine) {
            if (!runOne(r, failed)) {
                held.add(r);
            }
            String signal = org.gradreg.trainer.loop.Preemption.requested();
            if (signal != null) { // issue 22 item 6: the run in progress checkpointed and released its lock
                System.out.println("grid: " + signal + ": stopped; rerun the same command to continue");
                return org.gradreg.trainer.loop.Preemption.exitCode(signal);
            }
        }
        // issue 22 item 7: a holder that died meanwhile (killed, OOM) leaves a stale lock: its runs are taken over now
        List<String> stillHeld = new ArrayList<>();
        for (Grid.Run r : held) {
            RunDir.Holder h = new RunDir(out.resolve(r.name())).holder();
            if (h == null || Boolean.FALSE.equals(h.alive())) {
                System.out.println("grid: " + r.name() + " is no longer held; running it now");
                if (!runOne(r, failed)) {
                    stillHeld.add(r.name());
                }
            } else {
                stillHeld.add(r.name() + " (" + h.describe() + ")");
            }
        }
        if (!stillHeld.isEmpty()) {
            System.out.println("grid: " + stillHeld.size() + " runs held by other processes were left to them: " + String.join(", ", stillHeld));
        }
        if (!failed.isEmpty()) {
            System.out.println("grid: " + failed.size() + " of " + mine.size() + " runs failed: " + String.join(", ", failed));
            return Cli.FAILED;
        }
        return 0;
    }

    /** Runs {@code r} unless it is finished; false when another process holds it. */
    private boolean runOne(Grid.Run r, List<String> failed) {
        {
            Path dir = out.resolve(r.name());
            RunDir rd = new RunDir(dir);
            boolean redo = false;
            if (rd.finished()) {
                List<String> diff = differences(rd, r);
                if (diff.isEmpty()) {
                    System.out.println("grid: " + r.name() + " finished already, skipped");
                    return true;
                }
                if (!overwrite) {
                    System.out.println("grid: " + r.name() + " finished with other settings than the spec (run → spec: " + String.join("; ", diff)
                            + "); not rerun (--overwrite reruns it)");
                    failed.add(r.name() + " (settings differ)");
                    return true;
                }
                redo = true;
            }
            System.out.println("grid: run " + r.index() + " " + r.name());
            try {
                // the spec at the run's start (a resumed run keeps its first); never into a run another live process holds
                RunDir.Holder h = rd.holder();
                if ((h == null || Boolean.FALSE.equals(h.alive())) && (redo || !Files.exists(dir.resolve(SpecRecord.FILE)))) {
                    specRecord.write(dir);
                }
                RunResult res = new Trainer(plans.get(r), dir).progress(!quiet).overwrite(redo).run(true);
                if (res.status() == RunResult.Status.INTERRUPTED && org.gradreg.trainer.loop.Preemption.requested() != null) {
                    System.out.println("grid: run " + r.index() + " " + r.name() + ": " + res.message() + "; checkpoint kept");
                    return true;
                }
                if (res.status() != RunResult.Status.FINISHED) {
                    throw new IllegalStateException(res.status() + ": " + res.message());
                }
                Files.deleteIfExists(dir.resolve(FAILED));
            } catch (RunDir.Held e) {
                System.out.println("grid: " + e.getMessage());
                return false;
            } catch (org.gradreg.trainer.loop.OutOfMemory e) { // issue 22 item 8: the next runs would most likely run out too: stop (exit 4)
                record(dir, Cli.message(e));
                System.out.println("grid: run " + r.index() + " " + r.name() + " ran out of memory; stopped (rerun the same command with more "
                        + "memory to continue)");
                throw e;
            } catch (Exception e) {
                String msg = Cli.message(e);
                System.out.println("grid: run " + r.index() + " " + r.name() + " failed: " + msg);
                failed.add(r.name());
                record(dir, msg);
            }
        }
        return true;
    }

    private String state(Grid.Run r) {
        RunDir rd = new RunDir(out.resolve(r.name()));
        if (rd.finished()) {
            List<String> diff = differences(rd, r);
            return diff.isEmpty() ? " (finished)" : " (finished with other settings, run → spec: " + String.join("; ", diff) + ")";
        }
        RunDir.Holder h = rd.holder();
        if (h != null) {
            return " (held by " + h.describe() + ")";
        }
        if (Files.exists(out.resolve(r.name()).resolve(FAILED))) {
            return " (failed)";
        }
        return rd.holdsRun() ? " (started)" : "";
    }

    private static List<String> differences(RunDir rd, Grid.Run r) {
        try {
            TrainConfig saved = rd.readConfig();
            return saved == null ? List.of("config.json missing") : saved.differences(r.config());
        } catch (BadInput e) {
            return List.of(e.getMessage());
        }
    }

    private static void record(Path dir, String message) {
        try {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("message", message);
            f.put("pid", ProcessHandle.current().pid());
            f.put("time", java.time.Instant.now().toString());
            if (Files.isDirectory(dir)) {
                AtomicFiles.writeString(dir.resolve(FAILED), Json.pretty(f));
            }
        } catch (Exception e) {
            System.out.println("grid: could not record the failure in " + dir + ": " + Cli.message(e));
        }
    }
}
