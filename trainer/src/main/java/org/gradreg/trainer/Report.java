package org.gradreg.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.gradreg.optim.io.AtomicFiles;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Finished runs aggregated over seeds, laid out like the harmful-GR paper's Tables 1-2: one row
 * per method (optimizer, estimator, GR warmup, LR warmup, and any other setting in which the runs
 * differ, seed aside), one column per model and data set, each
 * cell the final top-1 test error in % as mean ± sample std (n seeds); and per model and data set a
 * figure of the per-epoch mean ‖g₁‖ averaged over seeds, one line per method (Figures 2/4).
 */
public final class Report {

    /** Runs that differ only in their seed. */
    public record Group(String column, String row, List<Double> testErrors, List<double[]> gradNorms) {

        public double mean() {
            return stats().getMean();
        }

        public double std() {
            return testErrors.size() > 1 ? stats().getStandardDeviation() : Double.NaN;
        }

        private DescriptiveStatistics stats() {
            return new DescriptiveStatistics(testErrors.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /** Mean over seeds of the per-epoch mean gradient norm (as long as the shortest run). */
        public double[] meanGradNorm() {
            int n = gradNorms.stream().mapToInt(a -> a.length).min().orElse(0);
            double[] m = new double[n];
            for (double[] g : gradNorms) {
                for (int i = 0; i < n; i++) {
                    m[i] += g[i] / gradNorms.size();
                }
            }
            return m;
        }
    }

    private final Map<String, Group> groups;
    private final int runs;
    private final int unfinished;
    private final List<String> warnings;

    private Report(Map<String, Group> groups, int runs, int unfinished, List<String> warnings) {
        this.groups = groups;
        this.runs = runs;
        this.unfinished = unfinished;
        this.warnings = warnings;
    }

    /** Settings shown by the column (model / data set) and the row's method and LR warmup. */
    private static final Set<String> SHOWN = Set.of("model", "dataset", "optimizer", "estimator", "estimatorSpec", "grWarmup", "warmupEpochs");

    /** A finished run read back. */
    private record Finished(Path dir, TrainConfig cfg, Map<String, Object> settings, double testError, double[] gradNorms) {
    }

    /**
     * Reads every run directory (one holding {@value Trainer#CONFIG}) under {@code dir}. Runs that
     * differ in any setting but the seed land in different groups (the row names the settings that
     * differ beyond the method and LR warmup); a second run of the same settings and seed is
     * counted once; a run with a damaged file is skipped with a warning naming it.
     */
    public static Report of(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BadInput("no runs directory " + dir);
        }
        List<Path> configs;
        try (Stream<Path> s = Files.walk(dir)) {
            configs = s.filter(p -> p.getFileName().toString().equals(Trainer.CONFIG)).sorted().toList();
        }
        List<String> warnings = new ArrayList<>();
        List<Finished> done = new ArrayList<>();
        int unfinished = 0;
        for (Path c : configs) {
            Path run = c.getParent();
            if (!Trainer.finished(run)) {
                unfinished++;
                continue;
            }
            Finished f = read(run, warnings);
            if (f != null) {
                done.add(f);
            }
        }
        Set<String> differing = new TreeSet<>();
        for (Finished f : done) {
            f.settings().forEach((k, v) -> {
                if (!k.equals("seed") && !SHOWN.contains(k) && !java.util.Objects.equals(v, done.get(0).settings().get(k))) {
                    differing.add(k);
                }
            });
        }
        Map<String, Group> groups = new TreeMap<>();
        Map<String, Path> seeds = new LinkedHashMap<>();
        int counted = 0;
        for (Finished f : done) {
            TrainConfig cfg = f.cfg();
            String column = cfg.model() + " / " + cfg.dataset();
            StringBuilder row = new StringBuilder(cfg.method() + String.format(Locale.ROOT, ", LR warmup %s ep", trim(cfg.warmupEpochs())));
            for (String k : RunSpec.fields()) {
                if (differing.contains(k)) {
                    Object v = f.settings().get(k);
                    row.append(", ").append(k).append(' ').append(v instanceof Double d ? trim(d) : String.valueOf(v));
                }
            }
            Map<String, Object> key = new TreeMap<>(f.settings());
            key.remove("seed");
            String groupKey = column + "\u0000" + row + "\u0000" + key;
            Path other = seeds.putIfAbsent(groupKey + "\u0000seed " + cfg.seed(), f.dir());
            if (other != null) {
                warnings.add("report: " + f.dir() + " repeats seed " + cfg.seed() + " of " + other + " (same settings); counted once");
                continue;
            }
            Group grp = groups.computeIfAbsent(groupKey, k -> new Group(column, row.toString(), new ArrayList<>(), new ArrayList<>()));
            grp.testErrors().add(100 * f.testError());
            grp.gradNorms().add(f.gradNorms());
            counted++;
        }
        return new Report(groups, counted, unfinished, List.copyOf(warnings));
    }

    private static Finished read(Path run, List<String> warnings) {
        Path file = run.resolve(Trainer.CONFIG);
        try {
            TrainConfig cfg = Trainer.json().readValue(file.toFile(), TrainConfig.class);
            file = run.resolve(Trainer.RESULT);
            Trainer.Result res = Trainer.json().readValue(file.toFile(), Trainer.Result.class);
            if (!Double.isFinite(res.testError())) {
                warnings.add("report: skipped " + run + ": " + file + " has no test error (resume the run to evaluate it again)");
                return null;
            }
            file = run.resolve(Trainer.METRICS);
            List<Double> g = new ArrayList<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(file)) {
                lineNo++;
                JsonNode n;
                try {
                    n = Trainer.json().readTree(line);
                } catch (IOException e) {
                    warnings.add("report: skipped " + run + ": " + file + " line " + lineNo + " is damaged (" + RunSpec.message(e) + ")");
                    return null;
                }
                if (n != null && n.path("type").asText().equals("epoch")) {
                    g.add(n.path("mean_grad_norm").asDouble());
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = Trainer.json().convertValue(cfg, Map.class);
            return new Finished(run, cfg, settings, res.testError(), g.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (IOException | RuntimeException e) {
            warnings.add("report: skipped " + run + ": " + file + " is damaged or unreadable (" + RunSpec.message(e) + ")");
            return null;
        }
    }

    /** Lines about runs skipped or counted once, for the user. */
    public List<String> warnings() {
        return warnings;
    }

    public List<Group> groups() {
        return List.copyOf(groups.values());
    }

    public int runCount() {
        return runs;
    }

    /** The Markdown table: rows methods, columns model / data set, cells test error % mean ± std (n). */
    public String table() {
        List<String> columns = groups.values().stream().map(Group::column).distinct().toList();
        List<String> rows = groups.values().stream().map(Group::row).distinct().toList();
        StringBuilder sb = new StringBuilder("| method | ").append(String.join(" | ", columns)).append(" |\n|---|");
        sb.append("---|".repeat(columns.size())).append('\n');
        for (String r : rows) {
            sb.append("| ").append(r).append(" |");
            for (String c : columns) {
                Group g = groups.values().stream().filter(x -> x.column().equals(c) && x.row().equals(r)).findFirst().orElse(null);
                sb.append(' ').append(g == null ? "" : cell(g)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Group g) {
        return g.testErrors().size() > 1
                ? String.format(Locale.ROOT, "%.2f ± %.2f (%d)", g.mean(), g.std(), g.testErrors().size())
                : String.format(Locale.ROOT, "%.2f (1)", g.mean());
    }

    /** Writes report.md, report.csv and one gradient-norm figure per model / data set into {@code out}. */
    public void write(Path out) throws IOException {
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("# Training report\n\n");
        md.append(String.format(Locale.ROOT, "%d finished runs in %d settings%s. Final top-1 test error in %%, mean ± sample std over seeds "
                + "(number of seeds).%n%n", runs, groups.size(), unfinished > 0 ? " (" + unfinished + " unfinished runs left out)" : ""));
        md.append(table()).append('\n');
        for (String w : warnings) {
            md.append("- ").append(w.replaceFirst("^report: ", "")).append('\n');
        }
        if (!warnings.isEmpty()) {
            md.append('\n');
        }
        List<String> columns = groups.values().stream().map(Group::column).distinct().toList();
        for (int i = 0; i < columns.size(); i++) {
            String file = "grad-norm-" + (i + 1) + ".png";
            figure(columns.get(i), out.resolve(file));
            md.append("![mean ‖g₁‖ per epoch, ").append(columns.get(i)).append("](").append(file).append(")\n\n");
        }
        writeAtomically(out.resolve("report.md"), md.toString());
        StringWriter csv = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(csv, CSVFormat.DEFAULT.builder()
                .setHeader("model_dataset", "method", "seeds", "test_error_mean", "test_error_std", "final_mean_grad_norm").build())) {
            for (Group g : groups.values()) {
                double[] gn = g.meanGradNorm();
                p.printRecord(g.column(), g.row(), g.testErrors().size(), g.mean(), g.std(), gn.length == 0 ? Double.NaN : gn[gn.length - 1]);
            }
        }
        writeAtomically(out.resolve("report.csv"), csv.toString());
    }

    private void figure(String column, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(550).title("Gradient norm, " + column).xAxisTitle("epoch")
                .yAxisTitle("mean ‖g₁‖ over the epoch (mean over seeds)").build();
        chart.getStyler().setYAxisLogarithmic(true).setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        for (Group g : groups.values()) {
            if (!g.column().equals(column)) {
                continue;
            }
            double[] y = g.meanGradNorm();
            if (y.length == 0) {
                continue;
            }
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            chart.addSeries(g.row(), x, y).setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }

    /** Groups by their table position, for tests. */
    public Map<String, Group> byCell() {
        Map<String, Group> m = new LinkedHashMap<>();
        groups.values().forEach(g -> m.put(g.column() + " | " + g.row(), g));
        return m;
    }
}
