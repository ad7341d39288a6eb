package org.gradreg.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.Map;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;

/**
 * Configurations from JSON: a whole {@code config.json} (the flat form of earlier versions is
 * converted, {@link LegacyConfig}), or settings given over the defaults (a grid's base and axes,
 * {@link TrainConfig#with}). Settings are set by path ({@link #set}): an object is merged into the
 * setting it names, anything else replaces it; naming another estimator drops the previous one's
 * keys. Every error is a {@link BadInput} naming where the JSON came from.
 */
public final class ConfigJson {

    private ConfigJson() {
    }

    /** A whole configuration as a JSON file holds it (either form); a bad one is a {@link BadInput} naming {@code where}. */
    public static TrainConfig read(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new BadInput(where + ": not a JSON object of settings");
        }
        if (LegacyConfig.isLegacy(node)) {
            return build(LegacyConfig.convert((ObjectNode) node, where), where);
        }
        return build((ObjectNode) node, where);
    }

    /** The defaults with {@code settings} (an object in the new form) set over them; the LR warmup defaults to the run's length's. */
    public static TrainConfig build(ObjectNode settings, String where) {
        ObjectNode c = defaultsTree();
        for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            set(c, e.getKey(), e.getValue(), where);
        }
        return of(c, where);
    }

    /** The defaults as a tree to set settings over ({@link #set}), the LR warmup left to {@link #of}. */
    public static ObjectNode defaultsTree() {
        ObjectNode c = tree(TrainConfig.defaults());
        ((ObjectNode) c.get("optimizer").get("schedule")).remove("warmupEpochs");
        return c;
    }

    /** {@code cfg} as a JSON tree. */
    public static ObjectNode tree(TrainConfig cfg) {
        return Json.mapper().valueToTree(cfg);
    }

    /** The configuration of a complete tree; the LR warmup, when missing or "auto", is {@link TrainConfig#defaultWarmup}. */
    public static TrainConfig of(ObjectNode c, String where) {
        ObjectNode schedule = (ObjectNode) c.get("optimizer").get("schedule");
        if (!schedule.hasNonNull("warmupEpochs") || "auto".equals(schedule.path("warmupEpochs").asText())) {
            schedule.put("warmupEpochs", TrainConfig.defaultWarmup(c.path("run").path("epochs").asInt()));
        }
        try {
            return Json.mapper().treeToValue(c, TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInput(where + ": " + BadInput.messageOf(e), e);
        }
    }

    static TrainConfig with(TrainConfig cfg, Map<String, Object> changes) {
        ObjectNode c = tree(cfg);
        changes.forEach((path, v) -> set(c, path, v == null ? NullNode.getInstance() : Json.mapper().valueToTree(v), "settings"));
        return of(c, "settings");
    }

    /**
     * Sets the setting at {@code path} (dotted: {@code optimizer.lr}, or a section: {@code optimizer})
     * in {@code root}: an object value is merged field by field into an object setting, any other
     * value replaces it. A path that names no setting is a {@link BadInput} listing the known ones;
     * setting {@code estimator.name} to another estimator first drops the keys of the previous one.
     */
    public static void set(ObjectNode root, String path, JsonNode value, String where) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        Class<?> type = TrainConfig.class;
        for (int i = 0; i < parts.length - 1; i++) {
            type = componentType(type, parts[i], path, where);
            if (type == null || !(node.get(parts[i]) instanceof ObjectNode child)) {
                throw unknown(path, where);
            }
            node = child;
        }
        String last = parts[parts.length - 1];
        if (type == EstimatorConfig.class) { // the estimator's keys are open; its registry checks them
            if (last.equals("name") && !value.asText().equals(node.path("name").asText())) {
                node.removeAll();
            }
            node.set(last, value);
            return;
        }
        Class<?> target = componentType(type, last, path, where);
        if (target == null) {
            throw unknown(path, where);
        }
        if (target.isRecord() && !value.isObject()) {
            throw new BadInput(where + ": '" + path + "' is a group of settings, an object, not " + value + " (set one of them, e.g. "
                    + Settings.paths().stream().filter(x -> x.startsWith(path + ".")).findFirst().orElse(path + ".name") + ")");
        }
        if (value.isObject() && node.get(last) instanceof ObjectNode) {
            if (target == EstimatorConfig.class && value.has("name")) {
                set(root, path + ".name", value.get("name"), where);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                set(root, path + "." + e.getKey(), e.getValue(), where);
            }
        } else {
            node.set(last, scalar(target, value, path, where));
        }
    }

    /**
     * Issue 22 item 11: a value of the setting's type, written one way: a whole-number setting takes
     * a whole number (2, 2.0, 1e3; not 2.7), a number setting a number, also written as a string
     * ("1e-3" is 0.001, so that it is the same setting as 0.001), true/false a boolean; null only
     * where a setting may be absent (not for numbers and true/false: {@code "seed": null} is not seed 0).
     */
    private static JsonNode scalar(Class<?> target, JsonNode value, String path, String where) {
        boolean whole = target == int.class || target == long.class || target == Integer.class || target == Long.class;
        boolean number = whole || target == double.class || target == Double.class;
        boolean bool = target == boolean.class || target == Boolean.class;
        if (!number && !bool || path.endsWith("schedule.warmupEpochs") && (value.isNull() || "auto".equals(value.asText()))) {
            return value; // the LR warmup: null or "auto" is the run length's default (of)
        }
        if (value.isNull()) {
            if (target.isPrimitive()) {
                throw new BadInput(where + ": '" + path + "' needs a value, not null");
            }
            return value;
        }
        if (bool) {
            if (!value.isBoolean()) {
                throw new BadInput(where + ": '" + path + "' must be true or false, not " + value);
            }
            return value;
        }
        java.math.BigDecimal d;
        try {
            d = value.isNumber() ? value.decimalValue() : value.isTextual() ? new java.math.BigDecimal(value.asText().trim()) : null;
        } catch (NumberFormatException e) {
            d = null;
        }
        if (d == null) {
            throw new BadInput(where + ": '" + path + "' must be a " + (whole ? "whole number" : "number") + ", not " + value);
        }
        if (!whole) {
            return DoubleNode.valueOf(d.doubleValue());
        }
        try {
            long v = d.longValueExact();
            if ((target == int.class || target == Integer.class) && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                throw new BadInput(where + ": '" + path + "' must be a whole number below 2^31, not " + value);
            }
            return LongNode.valueOf(v);
        } catch (ArithmeticException e) {
            throw new BadInput(where + ": '" + path + "' must be a whole number, not " + value);
        }
    }

    private static Class<?> componentType(Class<?> record, String name, String path, String where) {
        if (record == null || !record.isRecord()) {
            return null;
        }
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getType();
            }
        }
        return null;
    }

    private static BadInput unknown(String path, String where) {
        return new BadInput(where + ": unknown setting '" + path + "'; known: " + Settings.knownText());
    }
}
