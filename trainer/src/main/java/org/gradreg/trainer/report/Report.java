package org.gradreg.trainer.report;

import java.awt.Color;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.gradreg.optim.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.Metrics;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Finished runs aggregated over seeds, laid out like the harmful-GR paper's Tables 1-2: one row
 * per method (optimizer, estimator, GR warmup, LR warmup, and any other setting in which the runs
 * differ, seed aside), one column per model and data set, each cell the final top-1 test error in
 * % as mean ± sample std (n seeds). Beside it, per setting, the other per-run metrics (final and
 * warmup gradient norm, Adam's adaptive-rate variance over the warmup, the Hessian's top
 * eigenvalue and trace where {@code gradreg hessian} measured them); per-step figures of ‖g₁‖ and
 * Var(ψ) with a ±1 std band over seeds (the analogue of the harmful-GR paper's Figs. 2/4); and,
 * from a {@link ReportSpec}, metric-against-setting figures with 95% intervals, differences with
 * Welch's 95% interval and a verdict for each of the papers' claims, computed from the runs.
 */
public final class Report {

    /** Runs that differ only in their seed. */
    public record Group(String column, String row, String panel, Map<String, Object> settings, List<Double> testErrors,
                        List<double[]> gradNorms, List<double[]> stepGradNorms, List<double[]> stepLosses, List<double[]> stepPsiVars,
                        Map<String, List<Double>> metrics, Map<String, double[]> stepValues) {

        public double mean() {
            return stats(testErrors).getMean();
        }

        public double std() {
            return testErrors.size() > 1 ? stats(testErrors).getStandardDeviation() : Double.NaN;
        }

        /** Mean over seeds of the per-epoch mean gradient norm (as long as the shortest run). */
        public double[] meanGradNorm() {
            return meanOver(gradNorms)[0];
        }

        /** The finite values of a per-run metric (one per seed). */
        public double[] metric(String name) {
            return metrics.getOrDefault(name, List.of()).stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
        }
    }

    private static DescriptiveStatistics stats(List<Double> xs) {
        return new DescriptiveStatistics(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** {mean, std} per index over the series, as long as the shortest (std 0 for one series). */
    static double[][] meanOver(List<double[]> series) {
        int n = series.stream().mapToInt(a -> a.length).min().orElse(0);
        double[] m = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            DescriptiveStatistics d = new DescriptiveStatistics();
            for (double[] a : series) {
                d.addValue(a[i]);
            }
            m[i] = d.getMean();
            s[i] = series.size() > 1 ? d.getStandardDeviation() : 0;
        }
        return new double[][] {m, s};
    }

    /** One row of the comparisons: a setting, what it is compared against, a metric and Welch's interval. */
    public record Comparison(String panel, Group compared, Group against, String metric, Welch welch) {
    }

    /** A claim's outcome in one panel. */
    public record ClaimOutcome(ReportSpec.Claim claim, String panel, Group compared, Group against, Welch welch, String verdict) {
    }

    private final Map<String, Group> groups;
    private final int runs;
    private final int unfinished;
    private final List<String> warnings;
    private final ReportSpec spec;
    private final double trainingSeconds;

    private Report(Map<String, Group> groups, int runs, int unfinished, List<String> warnings, ReportSpec spec, double trainingSeconds) {
        this.groups = groups;
        this.runs = runs;
        this.unfinished = unfinished;
        this.warnings = warnings;
        this.spec = spec;
        this.trainingSeconds = trainingSeconds;
    }

    /** Settings shown by the column (model / data set) and the row's method and LR warmup. */
    private static final Set<String> SHOWN = Set.of("model", "dataset", "optimizer", "estimator", "estimatorSpec", "grWarmup", "warmupEpochs");

    /** A finished run read back. */
    private record Finished(Path dir, TrainConfig cfg, Map<String, Object> settings, double[] gradNorms, double[] stepGradNorms,
                            double[] stepLosses, double[] stepPsiVars, Map<String, Double> metrics, double seconds,
                            Map<String, double[]> stepValues) {
    }

    public static Report of(Path dir) throws IOException {
        return of(dir, ReportSpec.NONE);
    }

    /**
     * Reads every run directory (one holding {@value RunDir#CONFIG}) under {@code dir}. Runs that
     * differ in any setting but the seed land in different groups (the row names the settings that
     * differ beyond the method and LR warmup); a second run of the same settings and seed is
     * counted once; a run with a damaged file is skipped with a warning naming it.
     */
    public static Report of(Path dir, ReportSpec spec) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BadInput("no runs directory " + dir);
        }
        List<Path> configs;
        try (Stream<Path> s = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) { // run folders may be links to scratch space
            configs = s.filter(p -> p.getFileName().toString().equals(RunDir.CONFIG)).sorted().toList();
        }
        List<String> warnings = new ArrayList<>();
        List<Finished> done = new ArrayList<>();
        int unfinished = 0;
        for (Path c : configs) {
            Path run = c.getParent();
            if (!new RunDir(run).finished()) {
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
        double seconds = 0;
        for (Finished f : done) {
            TrainConfig cfg = f.cfg();
            String column = cfg.model() + " / " + cfg.dataset();
            StringBuilder row = new StringBuilder(cfg.method() + String.format(Locale.ROOT, ", LR warmup %s ep", trim(cfg.warmupEpochs())));
            for (String k : TrainConfig.fields()) {
                if (differing.contains(k)) {
                    row.append(", ").append(k).append(' ').append(show(f.settings().get(k)));
                }
            }
            StringBuilder panel = new StringBuilder();
            for (String k : spec.panels()) {
                panel.append(panel.length() == 0 ? "" : ", ").append(k).append(' ').append(show(f.settings().get(k)));
            }
            Map<String, Object> key = new TreeMap<>(f.settings());
            key.remove("seed");
            String groupKey = column + "\u0000" + row + "\u0000" + key;
            Path other = seeds.putIfAbsent(groupKey + "\u0000seed " + cfg.seed(), f.dir());
            if (other != null) {
                warnings.add("report: " + f.dir() + " repeats seed " + cfg.seed() + " of " + other + " (same settings); counted once");
                continue;
            }
            Group grp = groups.computeIfAbsent(groupKey, k -> new Group(column, row.toString(), panel.toString(), key, new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new TreeMap<>(), f.stepValues()));
            grp.testErrors().add(f.metrics().get("test_error"));
            grp.gradNorms().add(f.gradNorms());
            grp.stepGradNorms().add(f.stepGradNorms());
            grp.stepLosses().add(f.stepLosses());
            if (f.stepPsiVars() != null) {
                grp.stepPsiVars().add(f.stepPsiVars());
            }
            f.metrics().forEach((k, v) -> grp.metrics().computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            counted++;
            seconds += f.seconds();
        }
        return new Report(groups, counted, unfinished, List.copyOf(warnings), spec, seconds);
    }

    private static String show(Object v) {
        return v instanceof Double d ? trim(d) : String.valueOf(v);
    }

    private static Finished read(Path run, List<String> warnings) {
        RunDir dir = new RunDir(run);
        Path file = dir.config();
        try {
            TrainConfig cfg = dir.readConfig();
            file = dir.result();
            RunResult res = dir.readResult();
            if (!Double.isFinite(res.testError())) {
                warnings.add("report: skipped " + run + ": " + file + " has no test error (resume the run to evaluate it again)");
                return null;
            }
            file = dir.metrics();
            List<Metrics.Line> lines;
            try {
                lines = dir.readMetrics();
            } catch (Metrics.Damaged e) {
                warnings.add("report: skipped " + run + ": " + e.getMessage());
                return null;
            }
            List<Double> g = new ArrayList<>();
            List<Double> stepG = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            Map<String, List<Double>> values = new TreeMap<>();
            List<Double> psi = new ArrayList<>();
            int firstEpochSteps = 0;
            double seconds = 0;
            for (Metrics.Line line : lines) {
                if (line instanceof Metrics.Epoch ep) {
                    g.add(ep.meanGradNorm());
                    seconds += Double.isFinite(ep.seconds()) ? ep.seconds() : 0;
                } else if (line instanceof Metrics.Step st) {
                    stepG.add(st.gradNorm());
                    losses.add(st.loss());
                    int at = stepG.size() - 1;
                    Map<String, Double> schedules = new java.util.LinkedHashMap<>();
                    schedules.put("lr", st.lr());
                    schedules.putAll(st.values());
                    schedules.forEach((k, x) -> {
                        if (Double.isFinite(x)) { // NaN (an estimator without r, α, λ) is not drawn
                            List<Double> v = values.computeIfAbsent(k, key -> new ArrayList<>());
                            while (v.size() < at) {
                                v.add(Double.NaN);
                            }
                            v.add(x);
                        }
                    });
                    psi.add(st.psiVar() == null ? Double.NaN : st.psiVar());
                    if (st.epoch() == 0) {
                        firstEpochSteps++;
                    }
                }
            }
            int warm = (int) Math.round(cfg.warmupEpochs() * firstEpochSteps);
            Map<String, Double> m = new TreeMap<>();
            m.put("test_error", 100 * res.testError());
            m.put("warmup_steps", (double) warm);
            m.put("final_grad_norm", g.isEmpty() ? Double.NaN : g.get(g.size() - 1));
            m.put("warmup_grad_norm", mean(stepG.subList(0, Math.min(warm, stepG.size())), Function.identity()));
            m.put("warmup_log10_psi_var", mean(psi.subList(0, Math.min(warm, psi.size())), v -> v > 0 ? Math.log10(v) : Double.NaN));
            file = dir.hessian();
            HessianResult h = dir.readHessian();
            if (h != null) {
                m.put("hessian_top", h.topEigenvalues().length > 0 ? h.topEigenvalues()[0] : Double.NaN);
                m.put("hessian_trace", h.trace());
            }
            boolean hasPsi = psi.stream().anyMatch(Double::isFinite);
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = Json.mapper().convertValue(cfg, Map.class);
            return new Finished(run, cfg, settings, g.stream().mapToDouble(Double::doubleValue).toArray(),
                    stepG.stream().mapToDouble(Double::doubleValue).toArray(), losses.stream().mapToDouble(Double::doubleValue).toArray(), hasPsi ? psi.stream().mapToDouble(Double::doubleValue).toArray() : null,
                    m, seconds, arrays(values));
        } catch (IOException | RuntimeException e) {
            warnings.add("report: skipped " + run + ": " + file + " is damaged or unreadable (" + BadInput.messageOf(e) + ")");
            return null;
        }
    }

    private static Map<String, double[]> arrays(Map<String, List<Double>> values) {
        Map<String, double[]> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** Mean of f over the finite results; NaN if none. */
    private static double mean(List<Double> xs, Function<Double, Double> f) {
        return xs.stream().map(f).mapToDouble(Double::doubleValue).filter(Double::isFinite).average().orElse(Double.NaN);
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
        List<String> columns = columns();
        List<String> rows = groups.values().stream().map(Group::row).distinct().toList();
        StringBuilder sb = new StringBuilder("| method | ").append(String.join(" | ", columns)).append(" |\n|---|");
        sb.append("---|".repeat(columns.size())).append('\n');
        for (String r : rows) {
            sb.append("| ").append(r).append(" |");
            for (String c : columns) {
                Group g = groups.values().stream().filter(x -> x.column().equals(c) && x.row().equals(r)).findFirst().orElse(null);
                sb.append(' ').append(g == null ? "" : cell(g.metric("test_error"), 2)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private List<String> columns() {
        return groups.values().stream().map(Group::column).distinct().toList();
    }

    /** mean ± sample std (n), or mean (1). */
    private static String cell(double[] xs, int digits) {
        if (xs.length == 0) {
            return "–";
        }
        DescriptiveStatistics d = new DescriptiveStatistics(xs);
        String f = digits >= 0 ? "%." + digits + "f" : "%.3g";
        return xs.length > 1 ? String.format(Locale.ROOT, f + " ± " + f + " (%d)", d.getMean(), d.getStandardDeviation(), xs.length)
                : String.format(Locale.ROOT, f + " (1)", d.getMean());
    }

    /** The metrics some group has values of, in a fixed order. */
    private List<String> presentMetrics() {
        List<String> out = new ArrayList<>();
        for (String m : List.of("test_error", "final_grad_norm", "warmup_grad_norm", "warmup_log10_psi_var", "hessian_top", "hessian_trace")) {
            if (groups.values().stream().anyMatch(g -> g.metric(m).length > 0)) {
                out.add(m);
            }
        }
        return out;
    }

    /** What each metric is, for tables, figures and the results index. */
    static final Map<String, String> LABELS = Map.of("test_error", "test error %", "final_grad_norm", "final ‖g₁‖ (last-epoch mean)",
            "warmup_grad_norm", "‖g₁‖ over LR warmup (mean)", "warmup_log10_psi_var", "log₁₀ Var(ψ) over LR warmup (mean)",
            "hessian_top", "Hessian λ_max", "hessian_trace", "Hessian trace");

    /** Every setting against what it is compared with under the spec's {@code compare} selectors, in test error. */
    public List<Comparison> comparisons() {
        List<Comparison> out = new ArrayList<>();
        for (ReportSpec.Selector s : spec.compare()) {
            for (Group g : groups.values()) {
                Group b = counterpart(g, s);
                if (b == null || b == g) {
                    continue;
                }
                out.add(new Comparison(g.panel(), g, b, "test_error", Welch.of(g.metric("test_error"), b.metric("test_error"))));
            }
        }
        return out;
    }

    private Group counterpart(Group g, ReportSpec.Selector against) {
        return groups.values().stream().filter(b -> b.column().equals(g.column()) && ReportSpec.counterpart(g.settings(), b.settings(), against))
                .findFirst().orElse(null);
    }

    /** Each claim of the spec in each panel where both its settings ran, with its computed verdict. */
    public List<ClaimOutcome> claims() {
        List<ClaimOutcome> out = new ArrayList<>();
        for (ReportSpec.Claim c : spec.claims()) {
            boolean any = false;
            for (Group g : groups.values()) {
                if (!c.compare().matches(g.settings())) {
                    continue;
                }
                Group b = counterpart(g, c.against());
                if (b == null) {
                    continue;
                }
                any = true;
                Welch w = Welch.of(g.metric(c.metric()), b.metric(c.metric()));
                out.add(new ClaimOutcome(c, g.panel(), g, b, w, verdict(w, c.expect())));
            }
            if (!any) {
                out.add(new ClaimOutcome(c, "", null, null, null, "not run (no finished runs match both settings)"));
            }
        }
        return out;
    }

    /** effect seen: the 95% interval excludes 0 on the side the paper claims; opposite: on the other side; else not seen. */
    static String verdict(Welch w, int expect) {
        if (!w.defined()) {
            return "undecided (fewer than 2 seeds)";
        }
        int s = w.sign();
        return s == 0 ? "not seen at this scale" : s == expect ? "effect seen" : "opposite effect";
    }

    /** Writes report.md, report.csv, claims.json and the figures into {@code out}. */
    public void write(Path out) throws IOException {
        write(out, null);
    }

    /**
     * As {@link #write(Path)}, with a preamble (the experiment's description and how to regenerate
     * it) after the title.
     */
    public void write(Path out, String preamble) throws IOException {
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("# Training report\n\n");
        if (preamble != null) {
            md.append(preamble).append("\n\n");
        }
        md.append(String.format(Locale.ROOT, "%d finished runs in %d settings%s; training time %.1f min summed over the runs. "
                + "Final top-1 test error in %%, mean ± sample std over seeds (number of seeds).%n%n", runs, groups.size(),
                unfinished > 0 ? " (" + unfinished + " unfinished runs left out)" : "", trainingSeconds / 60));
        md.append(table()).append('\n');
        for (String w : warnings) {
            md.append("- ").append(w.replaceFirst("^report: ", "")).append('\n');
        }
        if (!warnings.isEmpty()) {
            md.append('\n');
        }
        List<ClaimOutcome> claims = claims();
        if (!claims.isEmpty()) {
            md.append("## The papers' claims, tested\n\n").append(claimsTable(claims, null)).append('\n')
                    .append("Δ = mean of the setting − mean of what it is compared against, with Welch's 95% interval over seeds. ")
                    .append("*effect seen*: the interval excludes 0 on the side the paper claims; *opposite effect*: it excludes 0 on the ")
                    .append("other side; *not seen at this scale*: it holds 0.\n\n");
        }
        List<String> metrics = presentMetrics();
        md.append("## Every metric per setting\n\nMean ± sample std over seeds (n).\n\n| setting | ");
        metrics.forEach(m -> md.append(LABELS.get(m)).append(" | "));
        md.append("\n|---|").append("---|".repeat(metrics.size())).append('\n');
        for (Group g : groups.values()) {
            md.append("| ").append(g.row()).append(columns().size() > 1 ? " (" + g.column() + ")" : "").append(" | ");
            metrics.forEach(m -> md.append(cell(g.metric(m), m.equals("test_error") ? 2 : -1)).append(" | "));
            md.append('\n');
        }
        md.append('\n');
        List<Comparison> cmp = comparisons();
        if (!cmp.isEmpty()) {
            md.append("## Differences in test error\n\n| setting | against | Δ test error (points) | 95% interval | |\n|---|---|---|---|---|\n");
            for (Comparison c : cmp) {
                Welch w = c.welch();
                md.append("| ").append(c.compared().row()).append(" | ").append(c.against().row()).append(" | ")
                        .append(String.format(Locale.ROOT, "%+.2f | %s | %s |%n", w.difference(), interval(w, 2),
                                !w.defined() ? "" : w.sign() < 0 ? "lower" : w.sign() > 0 ? "higher" : "no clear difference"));
            }
            md.append('\n');
        }
        md.append("## Figures\n\n");
        int fig = 0;
        for (String column : columns()) {
            for (String panel : panels(column)) {
                fig++;
                String title = column + (panel.isEmpty() ? "" : ", " + panel);
                String shortTitle = panel.isEmpty() ? "" : " (" + panel + ")"; // the Markdown names the model and data
                String file = "grad-norm-" + fig + ".png";
                stepFigure(column, panel, Group::stepGradNorms, "‖g₁‖ per step", "Gradient norm per step" + shortTitle, out.resolve(file), true, "0.##");
                md.append("![‖g₁‖ per step, ").append(title).append("](").append(file).append(")\n\n");
                file = "loss-" + fig + ".png";
                stepFigure(column, panel, Group::stepLosses, "training loss per step (mini-batch)", "Training loss per step" + shortTitle,
                        out.resolve(file), false, "0.##");
                md.append("![training loss per step, ").append(title).append("](").append(file).append(")\n\n");
                file = "schedules-" + fig + ".png";
                if (scheduleFigure(column, panel, "Schedules and estimator values per step" + shortTitle, out.resolve(file))) {
                    md.append("![schedule and estimator values per step, ").append(title).append("](").append(file).append(")\n\n");
                }
                if (groups.values().stream().anyMatch(g -> g.column().equals(column) && g.panel().equals(panel) && !g.stepPsiVars().isEmpty())) {
                    file = "psi-var-" + fig + ".png";
                    // log₁₀ on a linear axis: Var(ψ) spans many decades and a log axis labels only some of them
                    stepFigure(column, panel, g -> g.stepPsiVars().stream().map(a -> java.util.Arrays.stream(a).map(Math::log10).toArray()).toList(),
                            "log₁₀ Var(ψ) over all parameter elements", "Variance of the adaptive rate ψ = 1/(√v̂+ε)" + shortTitle,
                            out.resolve(file), false, "0.#");
                    md.append("![Var(ψ) per step, ").append(title).append("](").append(file).append(")\n\n");
                }
            }
            if (spec.x() != null) {
                for (String m : metrics) {
                    String file = m.replace('_', '-') + "-vs-" + spec.x() + "-" + (columns().indexOf(column) + 1) + ".png";
                    if (xFigure(column, m, out.resolve(file))) {
                        md.append("![").append(LABELS.get(m)).append(" against ").append(spec.x()).append("](").append(file).append(")\n\n");
                    }
                }
            }
        }
        md.append("Lines: mean over seeds; bands: ± one sample standard deviation over seeds. Points against a setting: mean with its 95% ")
                .append("t-interval over seeds.\n");
        writeAtomically(out.resolve("report.md"), md.toString());
        writeCsv(out, metrics);
        writeAtomically(out.resolve("claims.json"), Json.pretty(claimRecords(claims)));
    }

    /** The claims as a Markdown table; {@code link} (may be null) is prepended to each id. */
    static String claimsTable(List<ClaimOutcome> claims, String link) {
        StringBuilder md = new StringBuilder("| claim | the paper | compared | metric | measured (mean, n) | Δ [95% interval] | verdict |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (ClaimOutcome o : claims) {
            ReportSpec.Claim c = o.claim();
            md.append("| ").append(c.id()).append(": ").append(esc(c.claim())).append(" | ").append(esc(c.paper())).append(" | ");
            if (o.welch() == null) {
                md.append(c.compare()).append(" vs ").append(c.against()).append(" | ").append(c.metric()).append(" | – | – | ").append(o.verdict())
                        .append(" |\n");
                continue;
            }
            int digits = c.metric().equals("test_error") ? 2 : -1;
            md.append(esc(o.compared().row())).append(" **vs** ").append(esc(o.against().row())).append(" | ").append(LABELS.get(c.metric()))
                    .append(" | ").append(cell(o.compared().metric(c.metric()), digits)).append(" vs ").append(cell(o.against().metric(c.metric()), digits))
                    .append(" | ").append(String.format(Locale.ROOT, digits >= 0 ? "%+.2f" : "%+.3g", o.welch().difference())).append(' ')
                    .append(interval(o.welch(), digits)).append(" | **").append(o.verdict()).append("** |\n");
        }
        return md.toString();
    }

    /** Text safe inside a Markdown table cell. */
    static String esc(String s) {
        return s.replace("|", "\\|");
    }

    private static String interval(Welch w, int digits) {
        if (!w.defined()) {
            return "–";
        }
        String f = digits >= 0 ? "%+." + digits + "f" : "%+.3g";
        return String.format(Locale.ROOT, "[" + f + ", " + f + "]", w.low(), w.high());
    }

    private static List<Map<String, Object>> claimRecords(List<ClaimOutcome> claims) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClaimOutcome o : claims) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", o.claim().id());
            r.put("claim", o.claim().claim());
            r.put("paper", o.claim().paper());
            r.put("metric", o.claim().metric());
            r.put("expect", o.claim().expect() < 0 ? "lower" : "higher");
            r.put("panel", o.panel());
            r.put("verdict", o.verdict());
            if (o.welch() != null) {
                r.put("compared", o.compared().row());
                r.put("against", o.against().row());
                r.put("compared_values", o.compared().metric(o.claim().metric()));
                r.put("against_values", o.against().metric(o.claim().metric()));
                r.put("difference", o.welch().difference());
                r.put("ci_low", o.welch().low());
                r.put("ci_high", o.welch().high());
            }
            out.add(r);
        }
        return out;
    }

    private void writeCsv(Path out, List<String> metrics) throws IOException {
        List<String> header = new ArrayList<>(List.of("model_dataset", "method", "seeds", "test_error_mean", "test_error_std", "final_mean_grad_norm"));
        for (String m : metrics) {
            header.add(m + "_mean");
            header.add(m + "_std");
            header.add(m + "_ci95_halfwidth");
        }
        StringWriter csv = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(csv, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (Group g : groups.values()) {
                double[] gn = g.meanGradNorm();
                List<Object> rec = new ArrayList<>(List.of(g.column(), g.row(), g.testErrors().size(), g.mean(), g.std(),
                        gn.length == 0 ? Double.NaN : gn[gn.length - 1]));
                for (String m : metrics) {
                    double[] v = g.metric(m);
                    DescriptiveStatistics d = new DescriptiveStatistics(v);
                    rec.add(d.getMean());
                    rec.add(v.length > 1 ? d.getStandardDeviation() : Double.NaN);
                    rec.add(halfWidth(v));
                }
                p.printRecord(rec);
            }
        }
        writeAtomically(out.resolve("report.csv"), csv.toString());
    }

    /** Half-width of the 95% t-interval of the mean; NaN for fewer than two values. */
    static double halfWidth(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double sd = new DescriptiveStatistics(v).getStandardDeviation();
        return new TDistribution(null, v.length - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(v.length);
    }

    private List<String> panels(String column) {
        return groups.values().stream().filter(g -> g.column().equals(column)).map(Group::panel).distinct().toList();
    }

    /** Ten colours that stay apart (matplotlib's tab10), and line styles to tell series apart in grey print. */
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final java.awt.BasicStroke[] STROKES = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};

    private void stepFigure(String column, String panel, Function<Group, List<double[]>> series, String yTitle, String title, Path file,
                            boolean logY, String yPattern) throws IOException {
        XYChart chart = new XYChartBuilder().width(1100).height(620).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setYAxisDecimalPattern(yPattern);
        int i = 0;
        java.util.SortedSet<Double> warmupEnds = new TreeSet<>();
        for (Group g : groups.values()) {
            if (!g.column().equals(column) || !g.panel().equals(panel) || series.apply(g).isEmpty()) {
                continue;
            }
            double[][] ms = meanOver(series.apply(g));
            int n = ms[0].length;
            double floor = logY ? java.util.Arrays.stream(ms[0]).filter(v -> v > 0).min().orElse(1e-12) / 10 : Double.NEGATIVE_INFINITY;
            double[] x = new double[n];
            double[] y = new double[n];
            double[] bx = new double[2 * n];
            double[] by = new double[2 * n];
            for (int k = 0; k < n; k++) {
                x[k] = k + 1;
                y[k] = Math.max(ms[0][k], floor);
                bx[k] = k + 1;
                by[k] = Math.max(ms[0][k] + ms[1][k], floor);
                bx[2 * n - 1 - k] = k + 1;
                by[2 * n - 1 - k] = Math.max(ms[0][k] - ms[1][k], floor);
            }
            for (double w : g.metric("warmup_steps")) {
                if (w > 0) {
                    warmupEnds.add(w + 0.5);
                }
            }
            Color c = COLORS[i % COLORS.length];
            if (series.apply(g).size() > 1) {
                XYSeries band = chart.addSeries(g.row() + " band", bx, by);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 45));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            String label = g.row() + " (" + series.apply(g).size() + " seeds)";
            XYSeries line = chart.addSeries(label, x, y);
            line.setLineColor(c);
            line.setLineStyle(STROKES[(i / COLORS.length + i) % STROKES.length]);
            line.setMarker(SeriesMarkers.NONE);
            i++;
        }
        for (double w : warmupEnds) { // the end of the LR warmup (steps before it are in warmup)
            chart.addAnnotation(new org.knowm.xchart.AnnotationLine(w, true, false));
        }
        if (!warmupEnds.isEmpty()) {
            chart.setTitle(chart.getTitle() + " (vertical line: end of LR warmup)");
        }
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Every per-step value the optimizer logged (lr, r, α, λ, SAM's ρ, GNR's …) that changes over
     * the steps in some setting of a panel (a schedule, a GR warmup ramp), one chart a value stacked
     * in one image; false if there is none. Values are the same for every seed of a setting: the first seed's are drawn.
     */
    private boolean scheduleFigure(String column, String panel, String title, Path file) throws IOException {
        List<Group> in = groups.values().stream().filter(g -> g.column().equals(column) && g.panel().equals(panel)).toList();
        Set<String> keys = new TreeSet<>();
        in.forEach(g -> keys.addAll(g.stepValues().keySet()));
        List<java.awt.image.BufferedImage> charts = new ArrayList<>();
        for (String k : keys) {
            boolean varies = false; // over the steps, in some setting: a schedule or a warmup ramp
            for (Group g : in) {
                double[] v = java.util.Arrays.stream(g.stepValues().getOrDefault(k, new double[0])).filter(Double::isFinite).toArray();
                varies |= v.length > 1 && java.util.Arrays.stream(v).anyMatch(x -> x != v[0]);
            }
            if (!varies) {
                continue;
            }
            XYChart chart = new XYChartBuilder().width(1100).height(260).title(k).xAxisTitle("step").yAxisTitle(k).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setXAxisDecimalPattern("#");
            int i = 0;
            for (Group g : in) {
                double[] v = g.stepValues().get(k);
                if (v == null || java.util.Arrays.stream(v).noneMatch(Double::isFinite)) {
                    i++;
                    continue;
                }
                double[] x = new double[v.length];
                double[] y = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    x[j] = j + 1;
                    y[j] = Double.isFinite(v[j]) ? v[j] : Double.NaN;
                }
                XYSeries line = chart.addSeries(g.row(), x, y);
                line.setLineColor(COLORS[i % COLORS.length]);
                line.setLineStyle(STROKES[(i / COLORS.length + i) % STROKES.length]);
                line.setMarker(SeriesMarkers.NONE);
                i++;
            }
            charts.add(BitmapEncoder.getBufferedImage(chart));
        }
        if (charts.isEmpty()) {
            return false;
        }
        int w = charts.stream().mapToInt(java.awt.image.BufferedImage::getWidth).max().orElse(1);
        int h = charts.stream().mapToInt(java.awt.image.BufferedImage::getHeight).sum();
        java.awt.image.BufferedImage all = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D gr = all.createGraphics();
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, w, h);
        int y = 0;
        for (java.awt.image.BufferedImage c : charts) {
            gr.drawImage(c, 0, y, null);
            y += c.getHeight();
        }
        gr.dispose();
        AtomicFiles.writeVia(file, ".png", tmp -> javax.imageio.ImageIO.write(all, "png", tmp.toFile()));
        return true;
    }

    /** The spec's x of a group: a setting of that name, or a key=value item in the estimator or optimizer spec. */
    private Double xOf(Group g) {
        Object v = g.settings().get(spec.x());
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        for (String f : List.of("estimatorSpec", "optimizer")) {
            Matcher m = Pattern.compile("(?:^|[,:])" + Pattern.quote(spec.x()) + "=([^,]+)").matcher(String.valueOf(g.settings().get(f)));
            if (m.find()) {
                try {
                    return Double.parseDouble(m.group(1));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A group's settings without the seed and the x item (x as a setting, or its item in the estimator or optimizer spec). */
    private Map<String, String> withoutX(Group g) {
        Map<String, String> m = new TreeMap<>();
        g.settings().forEach((k, v) -> {
            if (!k.equals("seed") && !k.equals(spec.x())) {
                m.put(k, show(v).replaceAll("(^|[,:])" + Pattern.quote(spec.x()) + "=[^,]+", "$1" + spec.x() + "=·"));
            }
        });
        return m;
    }

    private boolean xFigure(String column, String metric, Path file) throws IOException {
        List<Group> in = groups.values().stream().filter(g -> g.column().equals(column) && xOf(g) != null && g.metric(metric).length > 0).toList();
        Set<String> varying = new TreeSet<>();
        for (Group g : in) {
            withoutX(g).forEach((k, v) -> {
                if (!v.equals(withoutX(in.get(0)).get(k))) {
                    varying.add(k);
                }
            });
        }
        Map<String, TreeMap<Double, double[]>> series = new TreeMap<>();
        for (Group g : in) {
            Map<String, String> key = withoutX(g);
            String label = varying.isEmpty() ? key.get("optimizer") + " + " + key.get("estimator")
                    : String.join(", ", varying.stream().map(k -> k + " " + key.get(k)).toList());
            series.computeIfAbsent(label, k -> new TreeMap<>()).put(xOf(g), g.metric(metric));
        }
        if (series.isEmpty()) {
            return false;
        }
        double lo = series.values().stream().flatMap(m -> m.keySet().stream()).filter(v -> v > 0).min(Double::compare).orElse(1.0);
        double hi = series.values().stream().flatMap(m -> m.keySet().stream()).max(Double::compare).orElse(1.0);
        boolean logX = hi / lo > 100; // e.g. weight decay from 5e-5 to 5: a log axis, without the points at 0 (they stay in the tables)
        if (logX) {
            series.values().forEach(m -> m.keySet().removeIf(v -> v <= 0));
            series.values().removeIf(Map::isEmpty);
        }
        XYChart chart = new XYChartBuilder().width(900).height(560).title(LABELS.get(metric) + " against " + spec.x() + ", " + column)
                .xAxisTitle(spec.x() + (logX ? " (log scale; points at 0 are in the tables)" : "")).yAxisTitle(LABELS.get(metric)).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        int i = 0;
        for (Map.Entry<String, TreeMap<Double, double[]>> s : series.entrySet()) {
            int n = s.getValue().size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] e = new double[n];
            int k = 0;
            for (Map.Entry<Double, double[]> p : s.getValue().entrySet()) {
                x[k] = p.getKey();
                y[k] = new DescriptiveStatistics(p.getValue()).getMean();
                double h = halfWidth(p.getValue());
                e[k++] = Double.isNaN(h) ? 0 : h;
            }
            XYSeries line = chart.addSeries(s.getKey(), x, y, e);
            line.setLineColor(COLORS[i % COLORS.length]);
            line.setMarkerColor(COLORS[i % COLORS.length]);
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setLineStyle(STROKES[i % STROKES.length]);
            i++;
        }
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
        return true;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
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
