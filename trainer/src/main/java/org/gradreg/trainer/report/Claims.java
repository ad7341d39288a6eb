package org.gradreg.trainer.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link ReportSpec} asks of the groups: each setting against its counterpart under the
 * {@code compare} selectors (test error), and each claim in every panel where both its settings
 * ran. Runs of the same seed are paired ({@link Paired}); the p-values of a table are corrected
 * together ({@link Holm}); a verdict needs at least {@value #MIN_SEEDS} paired seeds, a
 * detectable effect no larger than the paper's (when the claim gives it), trained settings
 * ({@link Gate}) and no conflicting repeats.
 */
final class Claims {

    /** The fewest paired seeds a verdict is given for. */
    static final int MIN_SEEDS = 3;

    private Claims() {
    }

    /** Every setting against what it is compared with under the spec's {@code compare} selectors, in test error; each pair once. */
    static List<Comparison> comparisons(Collection<Group> groups, ReportSpec spec) {
        List<Group[]> pairs = new ArrayList<>();
        for (ReportSpec.Selector s : spec.compare()) {
            for (Group g : groups) {
                Group b = counterpart(groups, g, s);
                // each pair once: a second selector can make the mirror of a pair (GR vs plain, plain vs GR)
                if (b != null && b != g && pairs.stream().noneMatch(p -> p[0] == b && p[1] == g || p[0] == g && p[1] == b)) {
                    pairs.add(new Group[] {g, b});
                }
            }
        }
        List<Paired> tests = pairs.stream().map(p -> test(p[0], p[1], "test_error")).toList();
        // settings identical by construction are not a test: left out of the family
        double[] pt = new double[pairs.size()];
        for (int i = 0; i < pt.length; i++) {
            pt[i] = ByConstruction.identical(pairs.get(i)[0].settings(), pairs.get(i)[1].settings()) != null ? Double.NaN : tests.get(i).pT();
        }
        double[] holm = Holm.adjust(pt);
        int m = Holm.count(pt);
        List<Comparison> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            out.add(new Comparison(pairs.get(i)[0].panel(), pairs.get(i)[0], pairs.get(i)[1], "test_error", tests.get(i), holm[i], m));
        }
        return out;
    }

    /** Each claim of the spec in each panel where both its settings ran, with its computed verdict. */
    static List<ClaimOutcome> outcomes(Collection<Group> groups, ReportSpec spec) {
        record Raw(ReportSpec.Claim c, Group a, Group b, Paired p) {
        }
        List<Raw> raw = new ArrayList<>();
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
                raw.add(new Raw(c, g, b, test(g, b, c.metric())));
            }
            if (!any) {
                raw.add(new Raw(c, null, null, null));
            }
        }
        double[] pt = raw.stream().mapToDouble(r -> r.p() == null || ByConstruction.identical(r.a().settings(), r.b().settings()) != null
                ? Double.NaN : r.p().pT()).toArray();
        double[] pp = new double[raw.size()];
        for (int i = 0; i < pp.length; i++) {
            pp[i] = Double.isNaN(pt[i]) ? Double.NaN : raw.get(i).p().pPermutation();
        }
        double[] holm = Holm.adjust(pt);
        double[] holmPerm = Holm.adjust(pp);
        int m = Holm.count(pt);
        List<ClaimOutcome> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Raw r = raw.get(i);
            if (r.p() == null) {
                boolean bothRan = groups.stream().anyMatch(g -> r.c().compare().matches(g.settings()))
                        && groups.stream().anyMatch(g -> r.c().against().matches(g.settings()));
                String why = bothRan ? ReportSpec.unpaired(r.c(), groups.stream().map(Group::settings).toList()) : null;
                out.add(new ClaimOutcome(r.c(), "", null, null, null, Double.NaN, Double.NaN, m, why != null ? "no comparison: " + why // both sides ran, unpaired
                        : "not run (no finished runs match both settings)"));
                continue;
            }
            String verdict = verdict(r.p(), holm[i], r.c().expect(), r.c().effect(), refusal(r.a(), r.b(), groups,
                    spec.gate(), r.c().gateAgainstOnly()));
            out.add(new ClaimOutcome(r.c(), r.a().panel(), r.a(), r.b(), r.p(), holm[i], holmPerm[i], m, verdict));
        }
        return out;
    }

    private static Paired test(Group a, Group b, String metric) {
        double[][] v = a.paired(b, metric);
        return Paired.of(v[0], v[1]);
    }

    /**
     * Why two settings get no verdict (identical by construction, conflicting repeats, a setting
     * that did not train: both, or with {@code againstOnly} only {@code b}), or null.
     */
    static String refusal(Group a, Group b, Collection<Group> groups, Gate gate, boolean againstOnly) {
        String same = ByConstruction.identical(a.settings(), b.settings());
        if (same != null) {
            return same;
        }
        for (Group g : List.of(a, b)) {
            if (!g.conflicts().isEmpty()) {
                return g.row() + " has conflicting repeats of a seed";
            }
        }
        for (Group g : againstOnly ? List.of(b) : List.of(a, b)) {
            Gate.Standing s = gate.check(g, groups);
            if (s != null && !s.trained()) {
                return g.row() + " " + s.text();
            }
        }
        return null;
    }

    private static Group counterpart(Collection<Group> groups, Group g, ReportSpec.Selector against) {
        return groups.stream().filter(b -> b.column().equals(g.column()) && b.experiment().equals(g.experiment())
                && ReportSpec.counterpart(g.settings(), b.settings(), against)).findFirst().orElse(null);
    }

    /**
     * The verdict: none when {@code refusal} says why; "design too small to judge" with fewer than
     * {@value #MIN_SEEDS} paired seeds or a detectable effect larger than the paper's
     * {@code effect}; else *effect seen* / *opposite effect* when the Holm-adjusted paired-t p is
     * below α on the side the paper claims / the other side, and *not seen* with the size the
     * design could have detected.
     */
    static String verdict(Paired p, double holm, int expect, double effect, String refusal) {
        if (refusal != null) {
            return "no verdict: " + refusal;
        }
        if (p.n() < MIN_SEEDS) {
            return "design too small to judge (" + p.n() + " paired seeds; a verdict needs " + MIN_SEEDS + ")";
        }
        if (!Double.isNaN(effect) && !(p.detectable() <= effect)) {
            return String.format(Locale.ROOT, "design too small to judge (detects |Δ| ≥ %.3g; the paper's effect is %s)", p.detectable(), Text.number(effect));
        }
        if (holm < Paired.ALPHA) {
            return Math.signum(p.difference()) == expect ? "effect seen" : "opposite effect";
        }
        return String.format(Locale.ROOT, "not seen (detectable: |Δ| ≥ %.3g)", p.detectable());
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
            if (!Double.isNaN(o.claim().effect())) {
                r.put("paper_effect", o.claim().effect());
            }
            r.put("gate", o.claim().gateAgainstOnly() ? "against" : "both");
            r.put("panel", o.panel());
            r.put("verdict", o.verdict());
            if (o.test() != null) {
                Paired p = o.test();
                r.put("compared", o.compared().row());
                r.put("against", o.against().row());
                r.put("compared_values", o.compared().metric(o.claim().metric()));
                r.put("against_values", o.against().metric(o.claim().metric()));
                r.put("paired_seeds", p.n());
                r.put("difference", p.difference());
                r.put("ci_low", p.low());
                r.put("ci_high", p.high());
                r.put("p_t", p.pT());
                r.put("p_permutation", p.pPermutation());
                r.put("permutation_exact", p.exact());
                r.put("p_t_holm", o.holm());
                r.put("p_permutation_holm", o.holmPermutation());
                r.put("holm_family", o.family());
                r.put("detectable_effect", p.detectable());
                if (o.compared().total() > o.compared().counted() || o.against().total() > o.against().counted()) {
                    r.put("left_out", o.compared().row() + ": " + o.compared().leftOutText() + " | " + o.against().row() + ": "
                            + o.against().leftOutText());
                }
            }
            out.add(r);
        }
        return out;
    }
}
