package org.gradreg.trainer.report;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.gradreg.common.io.AtomicFiles;

/**
 * report.csv: one record per group with each metric's mean, std and 95% t-interval half-width,
 * the runs counted and left out, conflicts and the standing against the training gate. Column
 * names are unique.
 */
final class CsvWriter {

    private CsvWriter() {
    }

    static void write(Path file, Collection<Group> groups, List<String> metrics, java.util.Map<Group, Gate.Standing> gate) throws IOException {
        List<String> header = new ArrayList<>(List.of("model_dataset", "method", "experiment", "seeds", "runs", "diverged", "unfinished",
                "conflicting_seeds", "trained", "last_epoch_mean_grad_norm"));
        for (String m : metrics) {
            header.add(m + "_mean");
            header.add(m + "_std");
            header.add(m + "_ci95_halfwidth");
        }
        if (new java.util.HashSet<>(header).size() != header.size()) {
            throw new IllegalStateException("report.csv would repeat a column name: " + header);
        }
        StringWriter csv = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(csv, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (Group g : groups) {
                double[] gn = g.meanGradNorm();
                Gate.Standing s = gate.get(g);
                List<Object> rec = new ArrayList<>(List.of(g.column(), g.row(), g.experiment(), g.counted(), g.total(), g.diverged(),
                        g.leftOut().getOrDefault("unfinished", 0), g.conflicts().size(), s == null ? "" : String.valueOf(s.trained()),
                        gn.length == 0 ? Double.NaN : gn[gn.length - 1]));
                for (String m : metrics) {
                    double[] v = g.metric(m);
                    DescriptiveStatistics d = new DescriptiveStatistics(v);
                    rec.add(d.getMean());
                    rec.add(v.length > 1 ? d.getStandardDeviation() : Double.NaN);
                    rec.add(Stats.halfWidth(v));
                }
                p.printRecord(rec);
            }
        }
        AtomicFiles.writeString(file, csv.toString());
    }
}
