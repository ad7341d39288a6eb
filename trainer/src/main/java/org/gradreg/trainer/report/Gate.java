package org.gradreg.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.gradreg.trainer.BadInput;

/**
 * The training gate of a grid spec: the baseline band every run of a setting must reach before
 * the setting is compared (issue 21, item 1: a regularizer's effect on a model that did not
 * train is no finding). From the spec's {@code "report": {"gate": {...}}}:
 * <ul>
 * <li>{@code max_test_error}: final top-1 test error in % at most this (or {@code min_test_accuracy}:
 *     accuracy in % at least this);</li>
 * <li>{@code better_than}: a selector ({@link ReportSpec.Selector}, e.g. {@code model.spec=linear}):
 *     test error below the mean of the best setting matching it on the same data set and spec
 *     version (those settings are the reference and are not gated by it).</li>
 * </ul>
 * A setting has trained when every one of its runs is inside the band; a diverged run is not.
 * Unfinished runs are not judged.
 *
 * @param maxTestError the band's largest test error in % (NaN: none)
 * @param betterThan   the reference settings (null: none)
 */
public record Gate(double maxTestError, ReportSpec.Selector betterThan) {

    public static final Gate NONE = new Gate(Double.NaN, null);

    /** A setting's standing against the gate: whether it trained, and the sentence that says so. */
    public record Standing(boolean trained, String text) {
    }

    /** Whether the spec has a gate. */
    public boolean any() {
        return !Double.isNaN(maxTestError) || betterThan != null;
    }

    static Gate parse(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String where = at + ": gate";
        if (!node.isObject()) {
            throw new BadInput(where + " must be an object with max_test_error, min_test_accuracy or better_than");
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("max_test_error", "min_test_accuracy", "better_than").contains(k)) {
                throw new BadInput(where + ": unknown key '" + k + "'; known: max_test_error, min_test_accuracy, better_than");
            }
        }
        if (node.has("max_test_error") && node.has("min_test_accuracy")) {
            throw new BadInput(where + ": give max_test_error or min_test_accuracy, not both");
        }
        double max = Double.NaN;
        for (String k : List.of("max_test_error", "min_test_accuracy")) {
            if (node.has(k)) {
                JsonNode v = node.get(k);
                if (!v.isNumber() || v.asDouble() <= 0 || v.asDouble() >= 100) {
                    throw new BadInput(where + ": " + k + " must be a percentage between 0 and 100, got " + v);
                }
                max = k.equals("max_test_error") ? v.asDouble() : 100 - v.asDouble();
            }
        }
        ReportSpec.Selector ref = null;
        if (node.has("better_than")) {
            if (!node.get("better_than").isTextual()) {
                throw new BadInput(where + ": better_than must be a selector such as \"model.spec=linear\"");
            }
            ref = ReportSpec.Selector.parse(node.get("better_than").asText(), where);
        }
        if (Double.isNaN(max) && ref == null) {
            throw new BadInput(where + " is empty: give max_test_error, min_test_accuracy or better_than");
        }
        return new Gate(max, ref);
    }

    /** The standing of {@code g} among {@code groups}; null when the spec has no gate. */
    Standing check(Group g, Collection<Group> groups) {
        if (!any()) {
            return null;
        }
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        int judged = g.counted() + g.diverged();
        if (judged == 0) {
            return new Standing(false, "did not train: no finished run");
        }
        String diverged = g.diverged() > 0 ? ", " + g.diverged() + " diverged" : "";
        if (!Double.isNaN(maxTestError)) {
            long in = g.testErrors().stream().filter(e -> e <= maxTestError).count();
            String line = String.format(Locale.ROOT, "%d of %d runs at ≤ %s %% test error%s", in, judged, Text.number(maxTestError), diverged);
            (in == judged ? passed : failed).add(line);
        }
        if (betterThan != null && !betterThan.matches(g.settings())) {
            Group ref = groups.stream().filter(r -> r != g && r.counted() > 0 && r.experiment().equals(g.experiment())
                            && Objects.equals(r.settings().get("data.spec"), g.settings().get("data.spec")) && betterThan.matches(r.settings()))
                    .min((a, b) -> Double.compare(a.mean(), b.mean())).orElse(null);
            if (ref == null) {
                failed.add("no finished run of the reference (" + betterThan + ") on this data to compare with");
            } else {
                double bar = ref.mean();
                long in = g.testErrors().stream().filter(e -> e < bar).count();
                String line = String.format(Locale.ROOT, "%d of %d runs below the reference's %.2f %% (%s)%s", in, judged, bar, ref.row(), diverged);
                (in == judged ? passed : failed).add(line);
            }
        }
        if (betterThan != null && betterThan.matches(g.settings())) {
            passed.add("the band's reference (" + betterThan + ")");
        }
        return failed.isEmpty() ? new Standing(true, "trained: " + String.join("; ", passed))
                : new Standing(false, "did not train: " + String.join("; ", failed));
    }

    /** The gate in words. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!Double.isNaN(maxTestError)) {
            parts.add("every run at ≤ " + Text.number(maxTestError) + " % test error");
        }
        if (betterThan != null) {
            parts.add("every run below the mean test error of the best setting matching " + betterThan + " on the same data");
        }
        return String.join(" and ", parts);
    }
}
