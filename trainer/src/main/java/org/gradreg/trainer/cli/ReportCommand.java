package org.gradreg.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.loop.Grid;
import org.gradreg.trainer.report.AnalysisSpec;
import org.gradreg.trainer.report.Report;
import org.gradreg.trainer.report.ReportSpec;
import org.gradreg.trainer.report.ResultsIndex;
import org.gradreg.trainer.run.SpecRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradreg report RUNS_DIR}: mean ± std tables, per-step figures, differences with intervals and claim verdicts. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Aggregate the finished runs under RUNS_DIR (over seeds) into report.md, report.csv, claims.json and figures: "
                + "test error and the other per-run metrics as mean ± std, per-step gradient-norm and Var(ψ) curves with seed bands, and "
                + "with --spec the grid spec's comparisons (paired over seeds: paired-t 95%% intervals, sign-flip p, Holm), each setting's standing against the spec's baseline band and the verdict on each of its claims.",
            "  gradreg report runs/fmnist-harmful-gr --spec examples/fmnist-harmful-gr.json --out docs/results/fmnist-harmful-gr",
            "  gradreg report --index docs/results      (the table of every claim of every report there)"})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", description = "Directory holding run directories (searched recursively).")
    Path runs;

    @Option(names = "--out", description = "Output directory (default: RUNS_DIR).")
    Path out;

    @Option(names = "--spec", description = "Grid spec (or analysis spec: one with \"runsOf\") whose \"report\" section (panels, x, compare, claims) and description to use.")
    Path spec;

    @Option(names = "--index", description = "Instead: write DIR/README.md, one table of the claims of every report in DIR's subfolders.")
    Path index;

    @Override
    public Integer call() throws Exception {
        if (index != null) {
            System.out.println("report: wrote " + ResultsIndex.write(index));
            return 0;
        }
        if (runs == null) {
            throw new BadInput("give RUNS_DIR (or --index DIR)");
        }
        ReportSpec rs = ReportSpec.NONE;
        String preamble = null;
        SpecRecord record = null;
        AnalysisSpec analysis = null;
        if (spec != null) {
            JsonNode root = Grid.readTree(spec);
            record = SpecRecord.of(spec);
            String report = "`./gradreg report " + runs + " --spec " + spec + (out == null ? "" : " --out " + out) + "`";
            String description = root.hasNonNull("description") ? root.get("description").asText() + "\n\n" : "";
            if (AnalysisSpec.is(root)) {
                analysis = AnalysisSpec.parse(root, spec.toString());
                rs = ReportSpec.parse(root.get("report"), "analysis spec " + spec);
                preamble = description + "Regenerate: `./gradreg grid " + analysis.runsOf().file() + " --out " + runs + "` (the runs), then "
                        + "`./gradreg hessian --spec " + spec + " " + runs + "/run.*` (the registered measurement), then " + report + ".";
            } else {
                rs = ReportSpec.parse(root.get("report"), "grid spec " + spec);
                preamble = description + "Regenerate: `./gradreg grid " + spec + " --out " + runs + "` (add `--shard 0/2` and `--shard 1/2` in "
                        + "two shells to use both cores), then " + report + ".";
            }
        }
        Report r = Report.of(runs, rs, record, analysis);
        if (r.runCount() == 0) { // issue 22 item 13: no table of nothing; one line, exit 2, nothing written
            throw new BadInput("no finished runs under " + runs + (r.unfinishedCount() > 0 ? " (" + r.unfinishedCount()
                    + " runs diverged or unfinished)" : "") + "; nothing to report");
        }
        r.warnings().forEach(System.err::println);
        Path dir = out == null ? runs : out;
        r.write(dir, preamble);
        System.out.println(r.table());
        r.claims().forEach(c -> System.out.println(c.claim().id() + (c.panel().isEmpty() ? "" : " (" + c.panel() + ")") + ": " + c.verdict()));
        System.out.println("report: " + r.groups().size() + " settings from " + r.runCount() + " finished runs; wrote " + dir.resolve("report.md"));
        return 0;
    }
}
