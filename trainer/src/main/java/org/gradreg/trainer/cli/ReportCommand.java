package org.gradreg.trainer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.trainer.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradreg report RUNS_DIR}: mean ± std tables and gradient-norm figures of finished runs. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Aggregate the finished runs under RUNS_DIR (over seeds) into report.md, report.csv and gradient-norm figures.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Directory holding run directories (searched recursively).")
    Path runs;

    @Option(names = "--out", description = "Output directory (default: RUNS_DIR).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Report r = Report.of(runs);
        r.warnings().forEach(System.err::println);
        Path dir = out == null ? runs : out;
        r.write(dir);
        System.out.println(r.table());
        System.out.println("report: " + r.groups().size() + " settings from " + r.runCount() + " finished runs; wrote " + dir.resolve("report.md"));
        return 0;
    }
}
