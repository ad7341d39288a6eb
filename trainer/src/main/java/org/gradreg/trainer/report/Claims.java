package org.gradreg.trainer.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ReportSpec} asks of the groups: each setting against its counterpart under the
 * {@code compare} selectors (test error), and each claim in every panel where both its settings
 * ran, with Welch's interval and a verdict.
 */
final class Claims {

    private Claims() {
    }

    /** Every setting against what it is compared with under the spec's {@code compare} selectors, in test error. */
    static List<Comparison> comparisons(Collection<Group> groups, ReportSpec spec) {
        List<Comparison> out = new ArrayList<>();
        for (ReportSpec.Selector s : spec.compare()) {
            for (Group g : groups) {
                Group b = counterpart(groups, g, s);
                if (b == null || b == g) {
                    continue;
                }
                out.add(new Comparison(g.panel(), g, b, "test_error", Welch.of(g.metric("test_error"), b.metric("test_error"))));
            }
        }
        return out;
    }

    /** Each claim of the spec in each panel where both its settings ran, with its computed verdict. */
    static List<ClaimOutcome> outcomes(Collection<Group> groups, ReportSpec spec) {
        List<ClaimOutcome> out = new ArrayList<>();
        for (ReportSpec.Claim c : spec.claims()) {
            boolean any = false;
            for (Group g : groups) {
                if (!c.compare().matches(g.settings())) {
                    continue;
                }
                Group b = counterpart(groups, g, c.against());
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

    private static Group counterpart(Collection<Group> groups, Group g, ReportSpec.Selector against) {
        return groups.stream().filter(b -> b.column().equals(g.column()) && ReportSpec.counterpart(g.settings(), b.settings(), against))
                .findFirst().orElse(null);
    }

    /** effect seen: the 95% interval excludes 0 on the side the paper claims; opposite: on the other side; else not seen. */
    static String verdict(Welch w, int expect) {
        if (!w.defined()) {
            return "undecided (fewer than 2 seeds)";
        }
        int s = w.sign();
        return s == 0 ? "not seen at this scale" : s == expect ? "effect seen" : "opposite effect";
    }

    /** The outcomes as claims.json holds them (what {@link ResultsIndex} reads). */
    static List<Map<String, Object>> records(List<ClaimOutcome> claims) {
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
}
