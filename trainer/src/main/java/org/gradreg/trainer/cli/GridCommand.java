package org.gradreg.trainer.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gradreg.trainer.Grid;
import org.gradreg.trainer.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradreg grid SPEC --shard i/n}: runs share i of n of an experiment grid. Finished runs are
 * skipped and interrupted ones resume from their checkpoint, so a job array can be resubmitted as is.
 */
@Command(name = "grid", mixinStandardHelpOptions = true, resourceBundle = "org.gradreg.trainer.cli.OptionHelp",
        description = {"Expand an experiment grid (JSON spec; see docs/experiments.md) and run one shard of it.",
                "Slurm: sbatch --array=0-15 --wrap 'gradreg grid spec.json --shard $SLURM_ARRAY_TASK_ID/16 --out runs/'"})
public final class GridCommand implements Callable<Integer> {

    @Parameters(index = "0", descriptionKey = "gridSpec", description = "Grid spec (JSON).")
    Path spec;

    @Option(names = "--shard", description = "i/n: run the runs whose number is i mod n (default: ${DEFAULT-VALUE}, all).",
            defaultValue = "0/1")
    String shard;

    @Option(names = "--out", description = "Directory of the run directories (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
    Path out;

    @Option(names = "--list", description = "Only list the runs of this shard.")
    boolean list;

    @Option(names = "--threads", description = "ND4J CPU threads (0: one per core).", defaultValue = "0")
    int threads;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        String[] p = shard.split("/");
        if (p.length != 2) {
            throw new IllegalArgumentException("--shard must be i/n, e.g. 3/16; got " + shard);
        }
        int i = Integer.parseInt(p[0].trim());
        int n = Integer.parseInt(p[1].trim());
        Grid grid = Grid.read(spec);
        List<Grid.Run> mine = grid.shard(i, n);
        System.out.printf(Locale.ROOT, "grid %s: %d runs in all, %d in shard %d/%d%n", spec, grid.runs().size(), mine.size(), i, n);
        if (list) {
            for (Grid.Run r : mine) {
                System.out.printf(Locale.ROOT, "%4d %s%s%n", r.index(), r.name(), Trainer.finished(out.resolve(r.name())) ? " (finished)" : "");
            }
            return 0;
        }
        Trainer.threads(threads);
        int failed = 0;
        for (Grid.Run r : mine) {
            Path dir = out.resolve(r.name());
            if (Trainer.finished(dir)) {
                System.out.println("grid: " + r.name() + " finished already, skipped");
                continue;
            }
            System.out.println("grid: run " + r.index() + " " + r.name());
            Trainer.Result res = new Trainer(r.config(), dir).progress(!quiet).run(true);
            if (res.status() != Trainer.Status.FINISHED) {
                failed++;
                System.out.println("grid: " + r.name() + " " + res.status() + ": " + res.message());
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
