package org.gradreg.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.LegacyConfig;
import org.gradreg.trainer.config.Settings;

/**
 * What a report compares, from the {@code "report"} section of a grid spec:
 * <pre>
 * "report": { "panels": ["optimizer.rule"],            settings that split the per-step figures
 *             "x": "estimator.alpha",                  a numeric setting to plot metrics against
 *             "compare": ["estimator.name=plain"],     every setting against the one matching each selector
 *             "claims": [ { "id": "A1", "claim": "GR hurts Adam with LR warmup", "paper": "ViT-S: 12.07 → 12.40 %",
 *                           "compare": "estimator.name=gr;estimator.warmup=none", "against": "estimator.name=plain",
 *                           "metric": "test_error", "expect": "higher", "effect": 0.33 } ],
 *             "gate": { "max_test_error": 12, "better_than": "model.spec=linear" } }
 * </pre>
 * A claim's optional {@code effect} is the size of the paper's reported effect in the metric's
 * units (a positive number): when the design's minimum detectable effect ({@link Paired}) is
 * larger, the verdict is "design too small to judge". The optional {@code gate} is the
 * baseline band ({@link Gate}) a setting's runs must reach before it is compared; a claim that a
 * setting harms training (e.g. the GR paper's "alpha &gt; 1 damages training") says
 * {@code "gate": "against"}, so that only the setting it is compared against must be in the band
 * (the default, {@code "both"}, gates the two).
 * Settings are named by their paths ({@link Settings}); a selector is {@code path=value} pairs
 * separated by {@code ;} (the value is everything after the first {@code =}, numbers compare by
 * value; an estimator key left out of a run's configuration has its registry default). The
 * setting compared against is the one that matches the selector and agrees with the compared one
 * in every setting except the selectors' own, the seed and the estimator's (the method). The flat
 * field names of earlier versions ({@code "estimatorSpec=r=0.1,alpha=0"}, {@code "x": "alpha"})
 * are converted ({@link LegacyConfig}).
 */
public record ReportSpec(List<String> panels, String x, List<Selector> compare, List<Claim> claims, Gate gate) {

    /** Per-run metrics a comparison or claim can name. */
    public static final Set<String> METRICS = Set.of("test_error", "final_grad_norm", "warmup_grad_norm", "warmup_log10_psi_var",
            "hessian_top", "hessian_trace", "full_grad_norm", "warmup_psi_var_per_coordinate",
            "warmup_psi_cv2_per_coordinate");

    public static final ReportSpec NONE = new ReportSpec(List.of(), null, List.of(), List.of(), Gate.NONE);

    /** {@code path=value;path=value}. */
    public record Selector(Map<String, String> fields) {

        public static Selector parse(String text, String where) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String part : text.split(";")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new BadInput(where + ": selector '" + text + "' must be setting=value[;setting=value...]");
                }
                String f = part.substring(0, eq).trim();
                String v = part.substring(eq + 1).trim();
                if (LegacyConfig.isField(f)) {
                    m.putAll(LegacyConfig.selector(f, v, where));
                } else if (Settings.known(f)) {
                    m.put(f, v);
                } else {
                    throw new BadInput(where + ": selector '" + text + "' names unknown setting '" + f + "'; known: " + Settings.knownText());
                }
            }
            return new Selector(m);
        }

        boolean matches(Map<String, Object> settings) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (!same(settings.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        static boolean same(Object setting, String value) {
            String s = String.valueOf(setting);
            if (s.equals(value)) {
                return true;
            }
            try {
                return Double.parseDouble(s) == Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append(' ').append(v));
            return b.toString();
        }
    }

    /**
     * A paper's claim tested by comparing two settings on one metric; {@code effect} the paper's
     * effect size (NaN: not given); {@code gateAgainstOnly}: only the setting compared against must
     * be in the spec's baseline band (a claim that the compared setting harms training).
     */
    public record Claim(String id, String claim, String paper, Selector compare, Selector against, String metric, int expect, double effect,
            boolean gateAgainstOnly) {
    }

    /** The section {@code node} (null: none) of the spec at {@code where}; every key and value is checked. */
    public static ReportSpec parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String at = where + ": report";
        if (!node.isObject()) {
            throw new BadInput(at + " must be an object");
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("panels", "x", "compare", "claims", "gate").contains(k)) {
                throw new BadInput(at + ": unknown key '" + k + "'; known: panels, x, compare, claims, gate");
            }
        }
        List<String> panels = new ArrayList<>();
        node.path("panels").forEach(p -> {
            String path = LegacyConfig.path(p.asText());
            if (!Settings.known(path)) {
                throw new BadInput(at + ": panel '" + p.asText() + "' is not a setting; known: " + Settings.knownText());
            }
            panels.add(path);
        });
        String x = node.hasNonNull("x") ? LegacyConfig.path(node.get("x").asText()) : null;
        if (x != null && !Settings.known(x)) {
            throw new BadInput(at + ": x '" + node.get("x").asText() + "' is not a setting (a path such as estimator.alpha or "
                    + "optimizer.weightDecay; keys inside the update rule's spec cannot be plotted against); known: " + Settings.knownText());
        }
        List<Selector> compare = new ArrayList<>();
        node.path("compare").forEach(c -> compare.add(Selector.parse(c.asText(), at)));
        List<Claim> claims = new ArrayList<>();
        for (JsonNode c : node.path("claims")) {
            for (var it = c.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("id", "claim", "paper", "compare", "against", "metric", "expect", "effect", "gate").contains(k)) {
                    throw new BadInput(at + ": claim key '" + k + "' unknown; known: id, claim, paper, compare, against, metric, expect, effect, gate");
                }
            }
            String id = c.path("id").asText("");
            if (id.isEmpty() || !c.hasNonNull("compare") || !c.hasNonNull("against") || !c.hasNonNull("claim")) {
                throw new BadInput(at + ": every claim needs id, claim, compare and against");
            }
            String metric = c.path("metric").asText("test_error");
            if (!METRICS.contains(metric)) {
                throw new BadInput(at + ": claim " + id + ": unknown metric '" + metric + "'; known: " + String.join(", ", new java.util.TreeSet<>(METRICS)));
            }
            String expect = c.path("expect").asText("").toLowerCase(Locale.ROOT);
            if (!expect.equals("lower") && !expect.equals("higher")) {
                throw new BadInput(at + ": claim " + id + ": expect must be lower or higher, got '" + expect + "'");
            }
            double effect = Double.NaN;
            if (c.has("effect")) {
                JsonNode e = c.get("effect");
                if (!e.isNumber() || !(e.asDouble() > 0) || !Double.isFinite(e.asDouble())) {
                    throw new BadInput(at + ": claim " + id + ": effect must be a positive number (the paper's effect size in the metric's "
                            + "units), got " + e);
                }
                effect = e.asDouble();
            }
            String gated = c.path("gate").asText("both");
            if (!gated.equals("both") && !gated.equals("against")) {
                throw new BadInput(at + ": claim " + id + ": gate must be both or against (only the setting compared against must be in "
                        + "the baseline band), got '" + c.get("gate").asText() + "'");
            }
            claims.add(new Claim(id, c.get("claim").asText(), c.path("paper").asText(""), Selector.parse(c.get("compare").asText(), at),
                    Selector.parse(c.get("against").asText(), at), metric, expect.equals("lower") ? -1 : 1, effect, gated.equals("against")));
        }
        return new ReportSpec(List.copyOf(panels), x, List.copyOf(compare), List.copyOf(claims), Gate.parse(node.get("gate"), at));
    }

    /**
     * Refuses claims that can compare nothing among {@code settings} (a grid's runs, each as
     * {@link Settings#of}): every claim must have a setting matching its {@code compare} with a
     * counterpart matching its {@code against} ({@link #counterpart}). Checked when a grid starts,
     * before any run: a selector that leaves out a setting in which the two sides also differ
     * (e.g. an axis that sets the update rule and its weight decay together) pairs nothing, and the
     * report would find no comparison after the runs.
     */
    public void checkPairs(java.util.Collection<Map<String, Object>> settings, String where) {
        for (Claim c : claims) {
            String why = unpaired(c, settings);
            if (why != null) {
                throw new BadInput(where + ": report: claim " + c.id() + " compares no two settings of this grid: " + why);
            }
        }
    }

    /** Null when some setting matching {@code c}'s compare selector has a counterpart; else why not. */
    static String unpaired(Claim c, java.util.Collection<Map<String, Object>> settings) {
        List<Map<String, Object>> a = settings.stream().filter(c.compare()::matches).toList();
        List<Map<String, Object>> b = settings.stream().filter(c.against()::matches).toList();
        if (a.isEmpty()) {
            return "no setting matches compare '" + c.compare() + "'";
        }
        if (b.isEmpty()) {
            return "no setting matches against '" + c.against() + "'";
        }
        String closest = null;
        int fewest = Integer.MAX_VALUE;
        for (Map<String, Object> x : a) {
            for (Map<String, Object> y : b) {
                if (counterpart(x, y, c.against())) {
                    return null;
                }
                List<String> differ = differing(x, y, c.against()).stream().map(k -> k + " (" + x.get(k) + " against " + y.get(k) + ")").toList();
                if (differ.size() < fewest) {
                    fewest = differ.size();
                    closest = String.join(", ", differ);
                }
            }
        }
        return "the settings matching '" + c.compare() + "' and '" + c.against() + "' also differ in " + closest
                + "; name " + (fewest == 1 ? "it" : "them") + " in the against selector";
    }

    /**
     * Whether settings {@code b} are what {@code a} is compared against: {@code b} matches
     * {@code against} and agrees with {@code a} except in the selector's settings, the seed and the
     * estimator's (the method).
     */
    static boolean counterpart(Map<String, Object> a, Map<String, Object> b, Selector against) {
        return against.matches(b) && differing(a, b, against).isEmpty();
    }

    /** The settings in which {@code a} and {@code b} differ, the selector's, the seed and the estimator's (the method) aside. */
    private static List<String> differing(Map<String, Object> a, Map<String, Object> b, Selector against) {
        List<String> out = new ArrayList<>();
        for (String k : a.keySet()) {
            if (!k.equals(Grouping.SEED) && !Settings.ofEstimator(k) && !against.fields().containsKey(k) && !Objects.equals(a.get(k), b.get(k))) {
                out.add(k);
            }
        }
        return out;
    }
}
