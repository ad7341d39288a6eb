package org.gradreg.trainer.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.Settings;
import org.gradreg.trainer.run.SpecRecord;

/**
 * Finished runs aggregated over seeds, laid out like the harmful-GR paper's Tables 1-2: one row
 * per method (optimizer, estimator, GR warmup, LR warmup, and any other setting in which the runs
 * differ, seed aside), one column per model and data set, each cell the final top-1 test error in
 * % as mean ± sample std (n seeds). Beside it, per setting, the other per-run metrics (final and
 * warmup gradient norm, Adam's adaptive-rate variance over the warmup, the Hessian's top
 * eigenvalue and trace where {@code gradreg hessian} measured them); per-step figures of ‖g₁‖ and
 * Var(ψ) with a ±1 std band over seeds (the analogue of the harmful-GR paper's Figs. 2/4); and,
 * from a {@link ReportSpec}, metric-against-setting figures with 95% intervals, paired differences
 * over the shared seeds ({@link Paired}: paired-t interval, sign-flip permutation test, Holm's
 * correction over the page's comparisons, the design's detectable effect), the settings' standing
 * against the spec's training gate ({@link Gate}) and a verdict for each of the papers' claims,
 * computed from the runs. Runs made from another version of the spec ({@link SpecRecord}) are
 * another experiment: reported beside, never pooled or compared with the current one.
 * <p>
 * The parts: {@link RunReader} reads the runs through {@code trainer.run}, {@link Grouping} pools
 * them over seeds, {@link Claims}, {@link Paired} and {@link Holm} compare groups, {@link Tables} and
 * {@link CsvWriter} write the tables, {@link StepFigure}, {@link ScheduleFigure}, {@link ProbeFigure} and
 * {@link SettingFigure} the figures.
 */
public final class Report {

    private final Map<String, Group> groups;
    private final int runs;
    private final int unfinished;
    private final List<String> warnings;
    private final ReportSpec spec;
    private final double trainingSeconds;
    private final SpecRecord specRecord;
    private final AnalysisSpec analysis;
    private final Map<String, Integer> runCommits;

    private Report(Map<String, Group> groups, int runs, int unfinished, List<String> warnings, ReportSpec spec, double trainingSeconds,
                   SpecRecord specRecord, AnalysisSpec analysis, Map<String, Integer> runCommits) {
        this.specRecord = specRecord;
        this.runCommits = runCommits;
        this.analysis = analysis;
        this.groups = groups;
        this.runs = runs;
        this.unfinished = unfinished;
        this.warnings = warnings;
        this.spec = spec;
        this.trainingSeconds = trainingSeconds;
    }

    public static Report of(Path dir) throws IOException {
        return of(dir, ReportSpec.NONE);
    }

    /** A metric's name as the report's tables print it ("test_error": "test error %"); an unknown key as itself. */
    public static String label(String metric) {
        return Text.LABELS.getOrDefault(metric, metric);
    }

    /**
     * Reads every run directory under {@code dir} ({@link RunReader}) and pools the finished runs
     * over seeds ({@link Grouping}); the spec says what is compared.
     */
    public static Report of(Path dir, ReportSpec spec) throws IOException {
        return of(dir, spec, null);
    }

    /**
     * As {@link #of(Path, ReportSpec)}, with the record of the spec file as it is now
     * ({@code null}: none): runs whose own record names another hash are another experiment.
     */
    public static Report of(Path dir, ReportSpec spec, SpecRecord current) throws IOException {
        return of(dir, spec, current, null);
    }

    /**
     * As {@link #of(Path, ReportSpec, SpecRecord)} for an analysis spec ({@code current} is its own
     * record; null {@code analysis}: a grid spec): the runs are those of the grid spec it names, and
     * Hessian values count only when measured with its registered settings.
     */
    public static Report of(Path dir, ReportSpec spec, SpecRecord current, AnalysisSpec analysis) throws IOException {
        RunReader.Runs read = analysis == null ? RunReader.read(dir, current) : RunReader.read(dir, analysis.runsOf(), analysis.hessian());
        List<String> warnings = new ArrayList<>(read.warnings());
        Grouping g = Grouping.of(read.finished(), read.leftOut(), spec, warnings);
        return new Report(g.groups(), g.counted(), read.unfinished(), List.copyOf(warnings), spec, g.seconds(), current, analysis,
                Map.copyOf(read.commits()));
    }

    /**
     * "; its runs were made at commit `C` (n runs)", from the commits the runs' own spec records
     * name (the checked-out commit when each run started); several commits are listed with their
     * counts; "" when no run was read.
     */
    String madeAt() {
        if (runCommits.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        new java.util.TreeMap<>(runCommits).forEach((commit, n) -> parts.add(
                (commit.equals(RunReader.NOT_RECORDED) ? "commit not recorded" : commit.equals(SpecRecord.UNCOMMITTED)
                        ? "from an uncommitted spec" : "at commit `" + commit + "`") + " (" + n + (n == 1 ? " run)" : " runs)")));
        return "; its runs were made " + String.join(", ", parts);
    }

    /** How many runs have not finished (diverged ones included). */
    public int unfinishedCount() {
        return unfinished;
    }

    /** Each setting's standing against the spec's training gate; empty when the spec has none. */
    public Map<Group, Gate.Standing> standings() {
        Map<Group, Gate.Standing> m = new LinkedHashMap<>();
        if (spec.gate().any()) {
            groups.values().forEach(g -> m.put(g, spec.gate().check(g, groups.values())));
        }
        return m;
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

    /** Groups by their table position, for tests. */
    public Map<String, Group> byCell() {
        Map<String, Group> m = new LinkedHashMap<>();
        groups.values().forEach(g -> m.put(g.column() + " | " + g.row(), g));
        return m;
    }

    /** The Markdown table: rows methods, columns model / data set, cells test error % mean ± std (n). */
    public String table() {
        return Tables.results(groups.values());
    }

    /** Every setting against what it is compared with under the spec's {@code compare} selectors, in test error. */
    public List<Comparison> comparisons() {
        return Claims.comparisons(groups.values(), spec);
    }

    /** Each claim of the spec in each panel where both its settings ran, with its computed verdict. */
    public List<ClaimOutcome> claims() {
        return Claims.outcomes(groups.values(), spec);
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
        if (specRecord != null) {
            md.append("Spec: `").append(specRecord.file()).append("`, sha256 `").append(specRecord.sha256()).append("`, ")
                    .append(specRecord.commit().equals(SpecRecord.UNCOMMITTED) ? "uncommitted (not in a git tree at a clean state: not "
                            + "pre-registered)" : "commit `" + specRecord.commit() + "` (the clean commit holding it when this report was made)")
                    .append(madeAt()).append(".\n\n");
            if (analysis != null) {
                md.append("An analysis of the runs made from `").append(analysis.runsOf().file()).append("` (sha256 `")
                        .append(analysis.runsOf().sha256()).append("`), with Hessian values measured by `gradreg hessian ")
                        .append(analysis.hessian().options()).append("` only.\n\n");
            }
        }
        md.append(String.format(Locale.ROOT, "%d finished runs in %d settings%s; training time %.1f min summed over the runs. "
                + "Final top-1 test error in %%, mean ± sample std over seeds (number of seeds); a cell names the runs of its setting that "
                + "diverged or did not finish, which its mean leaves out.%n%n", runs, groups.size(),
                unfinished > 0 ? " (" + unfinished + " runs diverged or unfinished, left out of the means)" : "", trainingSeconds / 60));
        md.append(table()).append('\n');
        for (String w : warnings) {
            md.append("- ").append(w.replaceFirst("^report: ", "")).append('\n');
        }
        if (!warnings.isEmpty()) {
            md.append('\n');
        }
        if (spec.gate().any()) {
            md.append("## Did the models train?\n\nThe spec's baseline band: ").append(spec.gate().describe())
                    .append(". A setting outside it gets no verdict.\n\n").append(Tables.gate(groups.values(), spec.gate())).append('\n');
        } else if (!spec.claims().isEmpty()) {
            md.append("The spec gives no baseline band (`report.gate`): the verdicts below do not check that the models trained.\n\n");
        }
        List<ClaimOutcome> claims = claims();
        if (!claims.isEmpty()) {
            int m = claims.get(0).family();
            md.append("## The papers' claims, tested\n\n").append(Tables.claims(claims)).append('\n')
                    .append(String.format(Locale.ROOT, "Runs of the same seed share their initialisation and batch order, so each claim compares "
                            + "the paired differences over the seeds both settings ran: Δ = mean of (setting − what it is compared against), "
                            + "with the paired-t 95%% interval; p: the paired t-test and, beside it, the sign-flip permutation test (exact "
                            + "up to %d seeds, else %,d seeded draws, marked MC); in brackets both after Holm's correction over the %d tests "
                            + "this table makes. Detectable |Δ|: the true difference the design finds with power %.1f at α = %.2f from the "
                            + "measured spread of the paired differences. *effect seen* / *opposite effect*: the Holm-adjusted paired-t p is "
                            + "below %.2f, on the side the paper claims / the other side; *not seen*: it is not, and a difference as large as "
                            + "the detectable one would have been seen; *design too small to judge*: fewer than %d paired seeds, or the "
                            + "detectable effect exceeds the paper's (where the claim gives it); *no verdict*: a setting did not reach the "
                            + "baseline band, or a seed's repeats disagree. With 5 or fewer seeds the permutation test cannot reach p < 0.05.%n%n",
                            SignFlip.EXACT_MAX, SignFlip.DRAWS, m, Paired.POWER, Paired.ALPHA, Paired.ALPHA, Claims.MIN_SEEDS));
        }
        List<String> metrics = Tables.presentMetrics(groups.values());
        md.append("## Every metric per setting\n\nMean ± sample std over seeds (n).\n\n").append(Tables.metrics(groups.values(), metrics))
                .append('\n');
        List<Comparison> cmp = comparisons();
        if (!cmp.isEmpty()) {
            md.append("## Differences in test error\n\n").append(Tables.differences(cmp)).append('\n')
                    .append(String.format(Locale.ROOT, "Paired over the seeds both settings ran; Holm's correction over the %d comparisons of "
                            + "this table; *lower* / *higher*: the Holm-adjusted p is below %.2f.%n%n", cmp.get(0).family(), Paired.ALPHA));
        }
        md.append("## Figures\n\n");
        figures(out, metrics, md);
        md.append("Lines: mean over seeds; bands: ± one sample standard deviation over seeds. Points against a setting: mean with its 95% ")
                .append("t-interval over seeds.\n");
        AtomicFiles.writeString(out.resolve("report.md"), md.toString());
        CsvWriter.write(out.resolve("report.csv"), groups.values(), metrics, standings());
        AtomicFiles.writeString(out.resolve("claims.json"), Json.pretty(Claims.records(claims)));
    }

    /** Per column and panel the step figures; per column the metrics against the spec's x. Appends their links to {@code md}. */
    private void figures(Path out, List<String> metrics, StringBuilder md) throws IOException {
        Map<String, Group> groups = new LinkedHashMap<>(); // the settings with a finished run: what the figures draw
        this.groups.forEach((k, g) -> {
            if (g.counted() > 0) {
                groups.put(k, g);
            }
        });
        int fig = 0;
        List<String> columns = Tables.columns(groups.values());
        for (String column : columns) {
            for (String panel : groups.values().stream().filter(g -> g.column().equals(column)).map(Group::panel).distinct().toList()) {
                fig++;
                String title = column + (panel.isEmpty() ? "" : ", " + panel);
                String shortTitle = panel.isEmpty() ? "" : " (" + panel + ")"; // the Markdown names the model and data
                String file = "grad-norm-" + fig + ".png";
                StepFigure.write(groups.values(), column, panel, Group::stepGradNorms, "‖g₁‖ per step", "Gradient norm per step" + shortTitle,
                        out.resolve(file), true, "0.##");
                md.append("![‖g₁‖ per step, ").append(title).append("](").append(file).append(")\n\n");
                file = "test-error-" + fig + ".png";
                StepFigure.write(groups.values(), column, panel, Group::epochErrors, "epoch", "test error % after the epoch",
                        "Test error per epoch" + shortTitle, out.resolve(file), false, "0.#", false);
                md.append("![test error per epoch, ").append(title).append("](").append(file).append(")\n\n");
                file = "loss-" + fig + ".png";
                StepFigure.write(groups.values(), column, panel, Group::stepLosses, "training loss per step (mini-batch)",
                        "Training loss per step" + shortTitle, out.resolve(file), false, "0.##");
                md.append("![training loss per step, ").append(title).append("](").append(file).append(")\n\n");
                file = "schedules-" + fig + ".png";
                if (ScheduleFigure.write(groups.values(), column, panel, out.resolve(file))) {
                    md.append("![schedule and estimator values per step, ").append(title).append("](").append(file).append(")\n\n");
                }
                if (groups.values().stream().anyMatch(g -> g.column().equals(column) && g.panel().equals(panel) && !g.stepPsiVars().isEmpty())) {
                    file = "psi-var-" + fig + ".png";
                    // log₁₀ on a linear axis: Var(ψ) spans many decades and a log axis labels only some of them
                    StepFigure.write(groups.values(), column, panel,
                            g -> g.stepPsiVars().stream().map(a -> Arrays.stream(a).map(Math::log10).toArray()).toList(),
                            "log₁₀ Var(ψ) over all parameter elements", "Variance of the adaptive rate ψ = 1/(√v̂+ε)" + shortTitle,
                            out.resolve(file), false, "0.#");
                    md.append("![Var(ψ) per step, ").append(title).append("](").append(file).append(")\n\n");
                }
                if (ProbeFigure.any(groups.values(), column, panel)) {
                    file = "psi-probes-" + fig + ".png";
                    ProbeFigure.write(groups.values(), column, panel, "Var(ψᵢ) per coordinate at fixed parameters (probes)" + shortTitle,
                            out.resolve(file));
                    md.append("![Var(ψᵢ) per coordinate over mini-batches at each probe, ").append(title).append("](").append(file)
                            .append(")\n\n");
                }
            }
            if (spec.x() != null) {
                SettingFigure against = new SettingFigure(spec.x());
                String x = Settings.shortName(spec.x());
                for (String m : metrics) {
                    String file = m.replace('_', '-') + "-vs-" + x + "-" + (columns.indexOf(column) + 1) + ".png";
                    if (against.write(groups.values(), column, m, out.resolve(file))) {
                        md.append("![").append(Text.LABELS.get(m)).append(" against ").append(x).append("](").append(file).append(")\n\n");
                    }
                }
            }
        }
    }
}
