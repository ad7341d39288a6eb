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
                sb.append(' ').append(g == null ? "" : Text.cell(g.metric("test_error"), 2) + notes(g)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** What a cell adds to its mean: runs left out ("1 of 5 diverged") and seeds whose repeats conflict. */
    static String notes(Group g) {
        String s = "";
        if (g.total() > g.counted()) {
            s += "; " + g.leftOutText();
        }
        if (!g.conflicts().isEmpty()) {
            s += "; **conflict**: " + g.conflicts().size() + " seed(s) run twice with different results";
        }
        return s.isEmpty() ? "" : " (" + s.substring(2) + ")";
    }

    /** Per setting, its standing against the spec's training gate. */
    static String gate(Collection<Group> groups, Gate gate) {
        StringBuilder md = new StringBuilder("| setting | test error % | baseline band |\n|---|---|---|\n");
        boolean columns = columns(groups).size() > 1;
        for (Group g : groups) {
            Gate.Standing s = gate.check(g, groups);
            md.append("| ").append(Text.esc(g.row())).append(columns ? " (" + g.column() + ")" : "").append(" | ")
                    .append(Text.cell(g.metric("test_error"), 2)).append(" | ").append(s.trained() ? "" : "**").append(Text.esc(s.text()))
                    .append(s.trained() ? "" : "** (no verdict)").append(" |\n");
        }
        return md.toString();
    }

    /** The metrics some group has values of, in a fixed order. */
    static List<String> presentMetrics(Collection<Group> groups) {
        List<String> out = new ArrayList<>();
        for (String m : List.of("test_error", "final_grad_norm", "warmup_grad_norm", "warmup_log10_psi_var", "hessian_top", "hessian_trace",
                "full_grad_norm", "warmup_psi_var_per_coordinate", "warmup_psi_cv2_per_coordinate")) {
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
            md.append("| ").append(g.row()).append(columns ? " (" + g.column() + ")" : "").append(notes(g)).append(" | ");
            metrics.forEach(m -> md.append(Text.cell(g.metric(m), m.equals("test_error") ? 2 : -1)).append(" | "));
            md.append('\n');
        }
        return md.toString();
    }

    /** Each comparison's paired difference in test error with its interval, p-values and detectable effect. */
    static String differences(List<Comparison> cmp) {
        StringBuilder md = new StringBuilder("| setting | against | paired seeds | Δ test error (points) | paired-t 95% interval | p (t) | p (sign-flip) "
                + "| p (t, Holm) | detectable |Δ| | |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Comparison c : cmp) {
            Paired p = c.test();
            String same = ByConstruction.identical(c.compared().settings(), c.against().settings());
            String reading = same != null ? same + ": not a comparison" : !p.defined() ? "" : c.holm() < Paired.ALPHA ? (p.difference() < 0 ? "lower" : "higher") : "no clear difference";
            md.append("| ").append(Text.esc(c.compared().row())).append(" | ").append(Text.esc(c.against().row())).append(" | ").append(p.n())
                    .append(" | ").append(String.format(Locale.ROOT, "%+.2f", p.difference())).append(" | ").append(Text.interval(p, 2)).append(" | ")
                    .append(Text.p(p.pT())).append(" | ").append(Text.p(p.pPermutation())).append(p.exact() ? "" : " (MC)").append(" | ")
                    .append(Text.p(c.holm())).append(" | ").append(Double.isNaN(p.detectable()) ? "–" : String.format(Locale.ROOT, "%.2f", p.detectable()))
                    .append(" | ").append(reading).append(" |\n");
        }
        return md.toString();
    }

    /** The claims with what was measured, the paired statistics and the verdict. */
    static String claims(List<ClaimOutcome> claims) {
        StringBuilder md = new StringBuilder("| claim | the paper | compared | metric | measured (mean, n) | paired seeds | Δ [paired-t 95% interval] "
                + "| p: t / sign-flip (Holm) | detectable |Δ| | verdict |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (ClaimOutcome o : claims) {
            ReportSpec.Claim c = o.claim();
            md.append("| ").append(c.id()).append(": ").append(Text.esc(c.claim())).append(" | ").append(Text.esc(c.paper()))
                    .append(Double.isNaN(c.effect()) ? "" : " (effect " + Text.number(c.effect()) + ")")
                    .append(c.gateAgainstOnly() ? " (gate: only the setting compared against must be in the band)" : "").append(" | ");
            if (o.test() == null) {
                md.append(c.compare()).append(" vs ").append(c.against()).append(" | ").append(Report.label(c.metric())).append(" | – | – | – | – | – | ")
                        .append(o.verdict()).append(" |\n");
                continue;
            }
            int digits = c.metric().equals("test_error") ? 2 : -1;
            String f = digits >= 0 ? "%+.2f" : "%+.3g";
            Paired p = o.test();
            md.append(Text.esc(o.compared().row())).append(" **vs** ").append(Text.esc(o.against().row())).append(" | ")
                    .append(Report.label(c.metric())).append(" | ").append(Text.cell(o.compared().metric(c.metric()), digits))
                    .append(notes(o.compared())).append(" vs ").append(Text.cell(o.against().metric(c.metric()), digits)).append(notes(o.against()))
                    .append(" | ").append(p.n()).append(" | ").append(String.format(Locale.ROOT, f, p.difference())).append(' ')
                    .append(Text.interval(p, digits)).append(" | ").append(Text.p(p.pT())).append(" / ").append(Text.p(p.pPermutation()))
                    .append(p.exact() ? "" : " (MC)").append(" (").append(Text.p(o.holm())).append(" / ").append(Text.p(o.holmPermutation()))
                    .append(") | ").append(Double.isNaN(p.detectable()) ? "–" : String.format(Locale.ROOT, digits >= 0 ? "%.2f" : "%.3g", p.detectable()))
                    .append(" | **").append(o.verdict()).append("** |\n");
        }
        return md.toString();
    }
}
