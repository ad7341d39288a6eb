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
import org.gradreg.trainer.config.TrainConfig;

/**
 * What a report compares, from the {@code "report"} section of a grid spec:
 * <pre>
 * "report": { "panels": ["optimizer"],            settings that split the per-step figures
 *             "x": "alpha",                       a numeric setting (or estimatorSpec key) to plot metrics against
 *             "compare": ["estimator=plain"],     every setting against the one matching each selector
 *             "claims": [ { "id": "A1", "claim": "GR hurts Adam with LR warmup", "paper": "ViT-S: 12.07 → 12.40 %",
 *                           "compare": "estimator=gr;grWarmup=none", "against": "estimator=plain",
 *                           "metric": "test_error", "expect": "higher" } ] }
 * </pre>
 * A selector is {@code field=value} pairs separated by {@code ;} ({@link TrainConfig}'s fields; the
 * value is everything after the first {@code =}, numbers compare by value). The setting compared
 * against is the one that matches the selector and agrees with the compared one in every field
 * except the selectors' own and the method's ({@link #METHOD}).
 */
public record ReportSpec(List<String> panels, String x, List<Selector> compare, List<Claim> claims) {

    /** The fields that make up a method: free when a setting is matched with what it is compared against. */
    public static final Set<String> METHOD = Set.of("estimator", "estimatorSpec", "grWarmup", "grWarmupEpochs");

    /** Per-run metrics a comparison or claim can name. */
    public static final Set<String> METRICS = Set.of("test_error", "final_grad_norm", "warmup_grad_norm", "warmup_log10_psi_var",
            "hessian_top", "hessian_trace");

    public static final ReportSpec NONE = new ReportSpec(List.of(), null, List.of(), List.of());

    /** {@code field=value;field=value}. */
    public record Selector(Map<String, String> fields) {

        public static Selector parse(String text, String where) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String part : text.split(";")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new BadInput(where + ": selector '" + text + "' must be field=value[;field=value...]");
                }
                String f = part.substring(0, eq).trim();
                if (!TrainConfig.fields().contains(f)) {
                    throw new BadInput(where + ": selector '" + text + "' names unknown field '" + f + "'; known: " + String.join(", ", TrainConfig.fields()));
                }
                m.put(f, part.substring(eq + 1).trim());
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

    /** A paper's claim tested by comparing two settings on one metric. */
    public record Claim(String id, String claim, String paper, Selector compare, Selector against, String metric, int expect) {
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
            if (!Set.of("panels", "x", "compare", "claims").contains(k)) {
                throw new BadInput(at + ": unknown key '" + k + "'; known: panels, x, compare, claims");
            }
        }
        List<String> panels = new ArrayList<>();
        node.path("panels").forEach(p -> {
            if (!TrainConfig.fields().contains(p.asText())) {
                throw new BadInput(at + ": panel field '" + p.asText() + "' is not a setting; known: " + String.join(", ", TrainConfig.fields()));
            }
            panels.add(p.asText());
        });
        String x = node.hasNonNull("x") ? node.get("x").asText() : null;
        List<Selector> compare = new ArrayList<>();
        node.path("compare").forEach(c -> compare.add(Selector.parse(c.asText(), at)));
        List<Claim> claims = new ArrayList<>();
        for (JsonNode c : node.path("claims")) {
            for (var it = c.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("id", "claim", "paper", "compare", "against", "metric", "expect").contains(k)) {
                    throw new BadInput(at + ": claim key '" + k + "' unknown; known: id, claim, paper, compare, against, metric, expect");
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
            claims.add(new Claim(id, c.get("claim").asText(), c.path("paper").asText(""), Selector.parse(c.get("compare").asText(), at),
                    Selector.parse(c.get("against").asText(), at), metric, expect.equals("lower") ? -1 : 1));
        }
        return new ReportSpec(List.copyOf(panels), x, List.copyOf(compare), List.copyOf(claims));
    }

    /**
     * Whether settings {@code b} are what {@code a} is compared against: {@code b} matches
     * {@code against} and agrees with {@code a} except in the selector's fields and the method's.
     */
    static boolean counterpart(Map<String, Object> a, Map<String, Object> b, Selector against) {
        if (!against.matches(b)) {
            return false;
        }
        for (String k : a.keySet()) {
            if (k.equals("seed") || METHOD.contains(k) || against.fields().containsKey(k)) {
                continue;
            }
            if (!Objects.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }
}
