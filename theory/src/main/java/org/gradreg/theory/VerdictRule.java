package org.gradreg.theory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ledger's one verdict rule, as written in docs/claims-ledger.md ("Verdicts: one vocabulary,
 * one rule"). A claim is checked on cases; each case has a margin m (m ≥ 0: the statement is true
 * there) and a resolution r (the uncertainty of m, from rounding bounds or 3 measured standard
 * errors, never from the result). A case violates the statement when m < −r, confirms it when
 * m > r, and is unresolved otherwise. Then:
 * <ul>
 *   <li>any violating case: {@code fails}, unless every violating case lies outside a condition
 *       the paper itself states and no case inside it violates: {@code holds-under-conditions};</li>
 *   <li>no violating case, a strict statement with an unresolved case: {@code not-informative};</li>
 *   <li>no violating case: {@code holds-approximately} for an approximation, limit or rate,
 *       {@code holds} for an exact statement.</li>
 * </ul>
 * {@code not-informative} for a check that could not have failed at all is a design statement a
 * claim makes with {@link #notInformative}, with the reason.
 */
public final class VerdictRule {

    /** ε: the relative tolerance of an approximation the paper states without one ("≈", "approximately"). */
    public static final double APPROXIMATION_TOLERANCE = 0.10;
    /** "about / nearly / around N": within this relative distance of N. */
    public static final double ABOUT = 0.10;
    /** The resolution of an estimate from random draws, in standard errors. */
    public static final double STANDARD_ERRORS = 3;
    /** A limit's error must fall by at least this factor at each of the last two halvings (order ≥ 0.4). */
    public static final double SHRINK = 0.75;
    /** The default relative resolution of deterministic double arithmetic. */
    public static final double ROUNDING = 1e-9;

    private VerdictRule() {
    }

    /** What kind of statement a claim checks. */
    public enum Kind {
        /** An identity or a non-strict inequality (=, ≤, ≥): unresolved cases count as satisfied. */
        EXACT,
        /** A strict statement ("increases", "lower than", "better"): every case must confirm it. */
        STRICT,
        /** An approximation, a limit, an order or a rate with free constants (tolerances fixed in the rule). */
        APPROXIMATION
    }

    /** A condition the paper itself states, and where. */
    public record Condition(String name, String whereStated) {
    }

    /** One case: label, margin (≥ 0: true there), resolution, and whether it lies inside the claim's condition. */
    public record Case(String label, double margin, double resolution, boolean insideCondition) {

        public Case {
            if (Double.isNaN(margin) || !(resolution >= 0)) {
                throw new IllegalArgumentException("case " + label + ": margin " + margin + ", resolution " + resolution);
            }
        }

        /** A case of a claim without a condition. */
        public static Case of(String label, double margin, double resolution) {
            return new Case(label, margin, resolution, true);
        }

        public boolean violates() {
            return margin < -resolution;
        }

        public boolean confirms() {
            return margin > resolution;
        }

        public boolean unresolved() {
            return !violates() && !confirms();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (margin %.4g, resolution %.2g)", label, margin, resolution);
        }
    }

    /** The verdict with the counts it came from. */
    public record Judgement(Verdict verdict, Kind kind, List<Case> cases, Condition condition) {

        public long violating() {
            return cases.stream().filter(Case::violates).count();
        }

        public long unresolved() {
            return cases.stream().filter(Case::unresolved).count();
        }

        /** The case with the smallest margin (the worst one). */
        public Case worst() {
            Case w = cases.get(0);
            for (Case c : cases) {
                if (c.margin() < w.margin()) {
                    w = c;
                }
            }
            return w;
        }

        /** The first violating case with the smallest margin, or null. */
        public Case worstViolation() {
            Case w = null;
            for (Case c : cases) {
                if (c.violates() && (w == null || c.margin() < w.margin())) {
                    w = c;
                }
            }
            return w;
        }

        public List<Case> violatingCases() {
            return cases.stream().filter(Case::violates).toList();
        }

        /** The standard evidence lines every claim reports. */
        public Map<String, Object> evidence() {
            Map<String, Object> ev = new LinkedHashMap<>();
            long v = violating();
            ev.put("rule", "cases " + cases.size() + ", violating (margin < −resolution) " + v + String.format(Locale.ROOT, " (%.3g%%)",
                    100.0 * v / cases.size()) + ", within resolution (|margin| ≤ resolution) " + unresolved() + ", statement " + kind.name().toLowerCase(Locale.ROOT));
            ev.put("worst case", worst().toString());
            if (condition != null) {
                long inside = cases.stream().filter(Case::insideCondition).count();
                long vInside = cases.stream().filter(c -> c.insideCondition() && c.violates()).count();
                ev.put("condition stated by the paper", condition.name() + " (" + condition.whereStated() + "): " + inside
                        + " cases inside, " + vInside + " violating there; " + (cases.size() - inside) + " outside, " + (v - vInside)
                        + " violating there");
            }
            return ev;
        }
    }

    /** Applies the rule. */
    public static Judgement judge(Kind kind, List<Case> cases) {
        return judge(kind, cases, null);
    }

    /** Applies the rule, with a condition the paper states (null for none). */
    public static Judgement judge(Kind kind, List<Case> cases, Condition condition) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("a claim needs at least one case");
        }
        List<Case> copy = List.copyOf(cases);
        boolean anyViolation = copy.stream().anyMatch(Case::violates);
        Verdict v;
        if (anyViolation) {
            boolean insideClean = condition != null && copy.stream().anyMatch(Case::insideCondition)
                    && copy.stream().noneMatch(c -> c.insideCondition() && c.violates());
            v = insideClean ? Verdict.HOLDS_UNDER_CONDITIONS : Verdict.FAILS;
        } else if (kind == Kind.STRICT && copy.stream().anyMatch(Case::unresolved)) {
            v = Verdict.NOT_INFORMATIVE;
        } else {
            v = kind == Kind.APPROXIMATION ? Verdict.HOLDS_APPROXIMATELY : Verdict.HOLDS;
        }
        return new Judgement(v, kind, copy, condition);
    }

    /** The outcome of a judgement with the claim's own evidence after the rule's lines; counterexample: the worst violation. */
    public static Claim.Outcome outcome(Judgement j, Map<String, Object> claimEvidence) {
        return outcome(j, claimEvidence, null);
    }

    /**
     * The outcome of a judgement: the rule's evidence lines, then the claim's; for {@code fails}, the
     * counterexample given (e.g. the sample jqwik shrank) or else the worst violating case.
     */
    public static Claim.Outcome outcome(Judgement j, Map<String, Object> claimEvidence, String counterexample) {
        Map<String, Object> ev = new LinkedHashMap<>(j.evidence());
        ev.putAll(claimEvidence);
        if (j.verdict() != Verdict.FAILS) {
            return new Claim.Outcome(j.verdict(), ev, null);
        }
        return new Claim.Outcome(Verdict.FAILS, ev, counterexample != null ? counterexample : j.worstViolation().toString());
    }

    /** {@code not-informative} by design: the evidence says what a failing outcome would have looked like and why it cannot occur. */
    public static Claim.Outcome notInformative(Map<String, Object> claimEvidence, String whatFailingWouldLookLike, String whyItCannotOccur) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("rule", "not-informative by design: the check could not have failed");
        ev.put("a failing outcome would have been", whatFailingWouldLookLike);
        ev.put("why it cannot occur here", whyItCannotOccur);
        ev.putAll(claimEvidence);
        return new Claim.Outcome(Verdict.NOT_INFORMATIVE, ev, null);
    }

    /**
     * A limit case: {@code errors} over a halving sequence of the parameter; margin SHRINK − the larger
     * of the ratios at the last two halvings (resolution 0). An error already at or below {@code floor}
     * at the end (numerically zero) passes. The label lists the whole sequence.
     */
    public static Case approach(String label, double[] errors, double floor) {
        int n = errors.length;
        String seq = ClaimsLedger.render(errors);
        if (errors[n - 1] <= floor) {
            return Case.of(label + " " + seq + " (at or below " + floor + " at the end)", SHRINK, 0);
        }
        double worst = Math.max(errors[n - 1] / errors[n - 2], errors[n - 2] / errors[n - 3]);
        return Case.of(String.format(Locale.ROOT, "%s %s, ratios at the last two halvings ≤ %.3f", label, seq, worst), SHRINK - worst, 0);
    }

    /** A relative difference |a − b|/|b|. */
    public static double relative(double a, double b) {
        return Math.abs(a - b) / Math.abs(b);
    }

    /** Cases as a mutable list, for building. */
    public static List<Case> cases() {
        return new ArrayList<>();
    }
}
