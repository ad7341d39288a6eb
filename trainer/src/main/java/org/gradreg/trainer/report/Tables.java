package org.gradreg.trainer.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The report's Markdown tables. */
final class Tables {

    private Tables() {
    }

    /** The columns (model / data set) in group order. */
    static List<String> columns(Collection<Group> groups) {
        return groups.stream().map(Group::column).distinct().toList();
    }

    /** Rows methods, columns model / data set, cells test error % mean ± std (n). */
    static String results(Collection<Group> groups) {
        List<String> columns = columns(groups);
        List<String> rows = groups.stream().map(Group::row).distinct().toList();
        StringBuilder sb = new StringBuilder("| method | ").append(String.join(" | ", columns)).append(" |\n|---|");
        sb.append("---|".repeat(columns.size())).append('\n');
        for (String r : rows) {
            sb.append("| ").append(r).append(" |");
            for (String c : columns) {
                Group g = groups.stream().filter(x -> x.column().equals(c) && x.row().equals(r)).findFirst().orElse(null);
                sb.append(' ').append(g == null ? "" : Text.cell(g.metric("test_error"), 2)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The metrics some group has values of, in a fixed order. */
    static List<String> presentMetrics(Collection<Group> groups) {
        List<String> out = new ArrayList<>();
        for (String m : List.of("test_error", "final_grad_norm", "warmup_grad_norm", "warmup_log10_psi_var", "hessian_top", "hessian_trace",
                "full_grad_norm", "warmup_psi_var_per_coordinate")) {
            if (groups.stream().anyMatch(g -> g.metric(m).length > 0)) {
                out.add(m);
            }
        }
        return out;
    }

    /** One row per setting, one column per metric: mean ± sample std over seeds (n). */
    static String metrics(Collection<Group> groups, List<String> metrics) {
        StringBuilder md = new StringBuilder("| setting | ");
        metrics.forEach(m -> md.append(Text.LABELS.get(m)).append(" | "));
        md.append("\n|---|").append("---|".repeat(metrics.size())).append('\n');
        boolean columns = columns(groups).size() > 1;
        for (Group g : groups) {
            md.append("| ").append(g.row()).append(columns ? " (" + g.column() + ")" : "").append(" | ");
            metrics.forEach(m -> md.append(Text.cell(g.metric(m), m.equals("test_error") ? 2 : -1)).append(" | "));
            md.append('\n');
        }
        return md.toString();
    }

    /** Each comparison's difference in test error with Welch's interval. */
    static String differences(List<Comparison> cmp) {
        StringBuilder md = new StringBuilder("| setting | against | Δ test error (points) | 95% interval | |\n|---|---|---|---|---|\n");
        for (Comparison c : cmp) {
            Welch w = c.welch();
            md.append("| ").append(c.compared().row()).append(" | ").append(c.against().row()).append(" | ")
                    .append(String.format(Locale.ROOT, "%+.2f | %s | %s |%n", w.difference(), Text.interval(w, 2),
                            !w.defined() ? "" : w.sign() < 0 ? "lower" : w.sign() > 0 ? "higher" : "no clear difference"));
        }
        return md.toString();
    }

    /** The claims with what was measured and the verdict. */
    static String claims(List<ClaimOutcome> claims) {
        StringBuilder md = new StringBuilder("| claim | the paper | compared | metric | measured (mean, n) | Δ [95% interval] | verdict |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (ClaimOutcome o : claims) {
            ReportSpec.Claim c = o.claim();
            md.append("| ").append(c.id()).append(": ").append(Text.esc(c.claim())).append(" | ").append(Text.esc(c.paper())).append(" | ");
            if (o.welch() == null) {
                md.append(c.compare()).append(" vs ").append(c.against()).append(" | ").append(c.metric()).append(" | – | – | ").append(o.verdict())
                        .append(" |\n");
                continue;
            }
            int digits = c.metric().equals("test_error") ? 2 : -1;
            md.append(Text.esc(o.compared().row())).append(" **vs** ").append(Text.esc(o.against().row())).append(" | ")
                    .append(Text.LABELS.get(c.metric())).append(" | ").append(Text.cell(o.compared().metric(c.metric()), digits)).append(" vs ")
                    .append(Text.cell(o.against().metric(c.metric()), digits)).append(" | ")
                    .append(String.format(Locale.ROOT, digits >= 0 ? "%+.2f" : "%+.3g", o.welch().difference())).append(' ')
                    .append(Text.interval(o.welch(), digits)).append(" | **").append(o.verdict()).append("** |\n");
        }
        return md.toString();
    }
}
