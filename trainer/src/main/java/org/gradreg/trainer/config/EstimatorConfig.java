package org.gradreg.trainer.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Registries;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Registry;

/**
 * The gradient estimator: its name in optim's estimator registry and the keys given, typed by the
 * registry (numbers, whole numbers, true/false, choices) and kept in the registry's order. In JSON
 * one object, {@code {"name": "gr", "r": 0.1, "alpha": 0.8, "warmup": "zero"}}; on the command line
 * {@code gr:r=0.1,alpha=0.8,warmup=zero}. Keys left out take the registry's defaults.
 *
 * @param name the estimator (plain, sam, asam, gr, gnr, sam+gnr)
 * @param keys the keys given, by name
 */
@JsonSerialize(using = EstimatorConfig.Writer.class)
@JsonDeserialize(using = EstimatorConfig.Reader.class)
public record EstimatorConfig(String name, Map<String, Object> keys) {

    /** The key of GR's warmup policy, shown after the keys in {@link #label}. */
    private static final String WARMUP = "warmup";

    /** Checks the name and every key against the registry; the keys are stored typed, in the registry's order. */
    public EstimatorConfig {
        Check.that(name != null && !name.isBlank(), "estimator must be given");
        Entry<EstimatorFactory> e = Registries.ESTIMATORS.entry(name);
        name = e.name();
        Map<String, String> raw = new LinkedHashMap<>();
        (keys == null ? Map.<String, Object>of() : keys).forEach((k, v) -> raw.put(k, String.valueOf(v)));
        Args args = e.args(raw);
        Map<String, Object> typed = new LinkedHashMap<>();
        args.values().forEach((k, v) -> {
            if (args.given(k)) {
                typed.put(k, v);
            }
        });
        keys = Collections.unmodifiableMap(typed);
    }

    public static EstimatorConfig plain() {
        return new EstimatorConfig("plain", Map.of());
    }

    /** The estimator of a command-line spec, {@code name} or {@code name:key=value,…}. */
    public static EstimatorConfig parse(String spec) {
        Registry.Parsed<EstimatorFactory> p = Registries.ESTIMATORS.parse(spec);
        Map<String, Object> keys = new LinkedHashMap<>();
        p.args().values().forEach((k, v) -> {
            if (p.args().given(k)) {
                keys.put(k, v);
            }
        });
        return new EstimatorConfig(p.entry().name(), keys);
    }

    /** The estimator {@code name} with {@code keys} as text (key → value), typed by the registry. */
    public static EstimatorConfig of(String name, Map<String, String> keys) {
        return new EstimatorConfig(name, new LinkedHashMap<>(keys));
    }

    /** The same estimator with {@code key} set to {@code value}. */
    public EstimatorConfig with(String key, Object value) {
        Map<String, Object> k = new LinkedHashMap<>(keys);
        k.put(key, value);
        return new EstimatorConfig(name, k);
    }

    /** The keys as optim's registry reads them, {@code key=value,…} (numbers exact). */
    public String spec() {
        StringBuilder s = new StringBuilder();
        keys.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    /**
     * How reports and logs name the estimator: {@code gr(r=0.1,alpha=0.8) zero-warmup},
     * {@code sam(rho=0.05)}, {@code plain}.
     */
    public String label() {
        StringBuilder s = new StringBuilder();
        keys.forEach((k, v) -> {
            if (!k.equals(WARMUP)) {
                s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(text(v));
            }
        });
        Object warmup = keys.get(WARMUP);
        return name + (s.length() == 0 ? "" : "(" + s + ")") + (warmup == null || warmup.equals("none") ? "" : " " + warmup + "-warmup");
    }

    /** A value as a user writes it: 0.1, -0.5, 2 (not 2.0), 0.00005 (not 5.0E-5). */
    static String text(Object v) {
        if (v instanceof Double d && Double.isFinite(d)) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                    : new BigDecimal(d.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }

    /** Writes {"name": …, key: value, …}. */
    static final class Writer extends JsonSerializer<EstimatorConfig> {
        @Override
        public void serialize(EstimatorConfig e, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartObject();
            g.writeStringField("name", e.name());
            for (Map.Entry<String, Object> k : e.keys().entrySet()) {
                g.writeObjectField(k.getKey(), k.getValue());
            }
            g.writeEndObject();
        }
    }

    /** Reads {"name": …, key: value, …}; the values' types are the registry's. */
    static final class Reader extends JsonDeserializer<EstimatorConfig> {
        @Override
        public EstimatorConfig deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = p.readValueAsTree();
            if (n == null || !n.isObject() || !n.path("name").isTextual()) {
                throw new IllegalArgumentException("estimator must be an object with a \"name\", e.g. {\"name\": \"gr\", \"r\": 0.1, "
                        + "\"alpha\": 0.8}, got " + n);
            }
            Map<String, Object> keys = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("name")) {
                    continue;
                }
                if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                    throw new IllegalArgumentException("estimator key '" + f.getKey() + "' must be a number, a word or true/false, got "
                            + f.getValue());
                }
                keys.put(f.getKey(), f.getValue().asText());
            }
            return new EstimatorConfig(n.get("name").asText(), keys);
        }
    }
}
