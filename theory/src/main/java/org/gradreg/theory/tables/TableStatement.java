package org.gradreg.theory.tables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.gradreg.theory.Claim;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.tables.PrintedTable.Cell;

/**
 * A claim about a paper's own printed numbers: a number it states twice, a statement its text makes
 * about its tables ("consistently", "in all cases", "about 3%"), or what its bold marks say. The
 * cases compare printed cells; a printed number is known to half a unit of its last digit, so a
 * comparison of two cells has that rounding of both as its resolution, and a number the text derives
 * from the tables is compared through the range the rounding of its inputs allows.
 */
public final class TableStatement implements Claim {

    private final String id;
    private final String paper;
    private final String reference;
    private final String statement;
    private final String method;
    private final VerdictRule.Kind kind;
    private final Supplier<List<Case>> cases;
    private final Supplier<Map<String, Object>> extra;

    public TableStatement(String id, String paper, String reference, String statement, String method, VerdictRule.Kind kind,
                          Supplier<List<Case>> cases) {
        this(id, paper, reference, statement, method, kind, cases, Map::of);
    }

    /** With evidence beyond the cases (e.g. cells listed but not judged, and why). */
    public TableStatement(String id, String paper, String reference, String statement, String method, VerdictRule.Kind kind,
                          Supplier<List<Case>> cases, Supplier<Map<String, Object>> extra) {
        this.id = id;
        this.paper = paper;
        this.reference = reference;
        this.statement = statement;
        this.method = method;
        this.kind = kind;
        this.cases = cases;
        this.extra = extra;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String paper() {
        return paper;
    }

    @Override
    public String reference() {
        return reference;
    }

    @Override
    public String statement() {
        return statement;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public Outcome check() {
        List<Case> c = cases.get();
        VerdictRule.Judgement j = VerdictRule.judge(kind, c);
        Map<String, Object> ev = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (Case x : c) {
            lines.add(String.format(Locale.ROOT, "%s%s", x.violates() ? "VIOLATES: " : x.unresolved() && kind == VerdictRule.Kind.STRICT
                    ? "unresolved: " : "", x));
        }
        ev.putAll(extra.get());
        ev.put("cases", lines);
        return VerdictRule.outcome(j, ev);
    }

    @Override
    public String toString() {
        return id + " (" + reference + ")";
    }

    /** "a is better than b": margin b − a for error rates (lower is better), a − b for accuracies; resolution both roundings. */
    public static Case better(Cell a, Cell b, boolean lowerIsBetter) {
        double margin = lowerIsBetter ? b.value() - a.value() : a.value() - b.value();
        return Case.of(String.format(Locale.ROOT, "%s %s vs %s %s", label(a), a.printed(), label(b), b.printed()), margin,
                a.rounding() + b.rounding());
    }

    /** The same number printed twice: margin −|a − b|, resolution half a unit of the last digit. */
    public static Case same(Cell a, Cell b) {
        return Case.of(a.where() + " " + a.printed() + " restated as " + b.where() + " " + b.printed(), -Math.abs(a.value() - b.value()),
                Math.max(a.rounding(), b.rounding()));
    }

    /** Plus-minus figures printed twice. */
    public static Case samePlusMinus(Cell a, Cell b) {
        return Case.of(a.where() + " ±" + a.plusMinus() + " restated as " + b.where() + " ±" + b.plusMinus(),
                -Math.abs(a.plusMinus() - b.plusMinus()), Math.max(a.rounding(), b.rounding()));
    }

    /**
     * A number the text states, against its recomputation from the tables over every rounding of the
     * inputs ({@code range}): stated plainly (to {@code decimals}) it must overlap N ± half a unit;
     * "about N" must overlap N ± 10%. Margin: −(the gap between the two intervals), resolution 0.
     */
    public static Case stated(String label, double n, int decimals, boolean about, double central, double[] range) {
        double half = about ? VerdictRule.ABOUT * Math.abs(n) : 0.5 * Math.pow(10, -decimals);
        double lo = n - half;
        double hi = n + half;
        double gap = Math.max(0, Math.max(lo - range[1], range[0] - hi));
        return Case.of(String.format(Locale.ROOT, "%s: text %s%s, tables give %.4g (%.4g to %.4g with the rounding)", label, about ? "about " : "",
                String.format(Locale.ROOT, "%." + decimals + "f", n), central, range[0], range[1]), gap == 0 ? 0 : -gap, 0);
    }

    /**
     * "most" of the comparisons hold: one case, margin (number confirming) − n/2, resolution 0 (a
     * strict majority is needed); the comparisons are listed in its label.
     */
    public static Case most(String label, List<Case> comparisons) {
        long confirming = comparisons.stream().filter(Case::confirms).count();
        StringBuilder s = new StringBuilder(label).append(": ").append(confirming).append(" of ").append(comparisons.size()).append(" [");
        for (int i = 0; i < comparisons.size(); i++) {
            Case c = comparisons.get(i);
            s.append(i == 0 ? "" : "; ").append(c.confirms() ? "" : c.violates() ? "no: " : "tie: ").append(c.label());
        }
        return Case.of(s.append(']').toString(), confirming - comparisons.size() / 2.0, 0);
    }

    private static String label(Cell c) {
        return c.row() + " / " + c.column();
    }
}
