package org.gradreg.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.gradreg.optim.estimator.GrWarmup;
import org.gradreg.common.registry.Spec;
import org.gradreg.trainer.BadInput;

/**
 * The flat configuration of earlier versions, converted on read. Its 25 fields are the settings'
 * short names ({@link Settings#shortName}: {@code lr} is {@code optimizer.lr}, {@code seed} is
 * {@code run.seed}, …) except the estimator's, which become the estimator's own keys:
 * <pre>
 *   "estimator": "gr", "estimatorSpec": "r=0.1,alpha=0.8", "grWarmup": "zero", "grWarmupEpochs": 2
 *   → "estimator": {"name": "gr", "r": 0.1, "alpha": 0.8, "warmup": "zero", "warmup_epochs": 2}
 * </pre>
 * ({@code grWarmupEpochs} −1, "the LR warmup's", is the key left out; a length without a policy
 * is dropped, as earlier versions ignored it; {@code accumulate} 0 is 1.) Old run directories,
 * grid specs and report sections are read through here; files are never rewritten.
 */
public final class LegacyConfig {

    private LegacyConfig() {
    }

    /** The estimator's flat fields of earlier versions. */
    private static final Set<String> ESTIMATOR_FIELDS = Set.of("estimator", "estimatorSpec", "grWarmup", "grWarmupEpochs");

    /** Every flat field of earlier versions. */
    public static Set<String> fields() {
        Set<String> s = new java.util.LinkedHashSet<>();
        for (String p : Settings.paths()) {
            if (!Settings.ofEstimator(p)) {
                s.add(Settings.shortName(p));
            }
        }
        s.addAll(ESTIMATOR_FIELDS);
        return s;
    }

    /** Whether {@code name} is a flat field of earlier versions rather than a setting path or section. */
    public static boolean isField(String name) {
        return !name.contains(".") && fields().contains(name);
    }

    /** Whether {@code node} is a configuration in the flat form: a field of it is not a section of the new one, or a section is not an object. */
    public static boolean isLegacy(JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean section = SECTIONS.contains(e.getKey()) && e.getValue().isObject();
            if (!section && isField(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> SECTIONS = Set.of("model", "data", "optimizer", "estimator", "run");

    /**
     * The settings of the flat object {@code flat} (some or all of the old fields) in the new
     * form, ready to be set over the defaults ({@link ConfigJson#build}); the estimator is always
     * complete (plain when the flat object names none). An unknown field is a {@link BadInput}.
     */
    public static ObjectNode convert(ObjectNode flat, String where) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = flat.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (ESTIMATOR_FIELDS.contains(k)) {
                continue;
            }
            String path = Settings.pathOfShortName(k);
            if (path == null) {
                throw new BadInput(where + ": unknown field '" + k + "'; known: " + fields());
            }
            JsonNode v = e.getValue();
            if (k.equals("accumulate") && v.isNumber() && v.asInt() == 0) {
                v = JsonNodeFactory.instance.numberNode(1); // 0 in an older config.json meant 1
            }
            put(out, path, v);
        }
        out.set("estimator", estimator(flat, where));
        return out;
    }

    private static void put(ObjectNode root, String path, JsonNode v) {
        String[] parts = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.has(parts[i]) ? (ObjectNode) n.get(parts[i]) : n.putObject(parts[i]);
        }
        n.set(parts[parts.length - 1], v);
    }

    /** The estimator of the flat fields: name, the spec's keys, GR's warmup policy and length as keys. */
    private static ObjectNode estimator(ObjectNode flat, String where) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("name", flat.hasNonNull("estimator") ? flat.get("estimator").asText() : "plain");
        String spec = flat.hasNonNull("estimatorSpec") ? flat.get("estimatorSpec").asText() : "";
        try {
            Spec.keyValues(spec).forEach(e::put);
        } catch (IllegalArgumentException ex) {
            throw new BadInput(where + ": estimatorSpec '" + spec + "': " + ex.getMessage(), ex);
        }
        String policy = warmupPolicy(flat.hasNonNull("grWarmup") ? flat.get("grWarmup").asText() : "none", where);
        if (!policy.equals("none")) {
            e.put("warmup", policy);
            double epochs = flat.path("grWarmupEpochs").asDouble(-1);
            if (epochs >= 0) {
                e.put("warmup_epochs", epochs);
            }
        }
        return e;
    }

    private static String warmupPolicy(String name, String where) {
        try {
            return GrWarmup.parse(name, 0).kind().name().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException ex) {
            throw new BadInput(where + ": grWarmup: " + ex.getMessage(), ex);
        }
    }

    /**
     * A report selector's {@code field=value} of earlier versions as {@code path=value} items:
     * {@code estimatorSpec=r=0.1,alpha=0} is {@code estimator.r=0.1} and {@code estimator.alpha=0},
     * {@code grWarmup=none} is {@code estimator.warmup=none}, {@code lr=0.01} is {@code optimizer.lr=0.01}.
     */
    public static Map<String, String> selector(String field, String value, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (field) {
            case "estimatorSpec" -> {
                try {
                    Spec.keyValues(value).forEach((k, v) -> out.put("estimator." + k, v));
                } catch (IllegalArgumentException ex) {
                    throw new BadInput(where + ": estimatorSpec=" + value + ": " + ex.getMessage(), ex);
                }
            }
            case "grWarmup" -> out.put("estimator.warmup", warmupPolicy(value, where));
            case "grWarmupEpochs" -> {
                if (Double.parseDouble(value) >= 0) {
                    out.put("estimator.warmup_epochs", value);
                }
            }
            default -> out.put(path(field), value);
        }
        return out;
    }

    /**
     * The path of a setting named the old way: a flat field ({@code weightDecay} is
     * {@code optimizer.weightDecay}) or an estimator key ({@code alpha} is {@code estimator.alpha},
     * as report {@code x} values named them); a path is returned as it is.
     */
    public static String path(String name) {
        if (name.contains(".")) {
            return name;
        }
        String p = Settings.pathOfShortName(name);
        return p != null ? p : name.equals("estimator") ? "estimator.name" : "estimator." + name;
    }

    /** The names of {@code fields} that are flat fields of earlier versions (for "mixes the two forms" messages). */
    public static List<String> oldNames(Iterable<String> fields) {
        List<String> out = new ArrayList<>();
        fields.forEach(f -> {
            if (isField(f)) {
                out.add(f);
            }
        });
        return out;
    }
}
