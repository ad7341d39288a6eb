package org.gradreg.common.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code name:key=value,key=value} spec as the command line writes it ({@code --optimizer
 * adamw:beta1=0.95,eps=1e-6}, {@code --estimator sam:rho=0.05}); names and keys are case-insensitive.
 */
public record Spec(String name, Map<String, String> values) {

    public Spec {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Splits {@code text} at its first colon into a lower-cased name and its key=value list. */
    public static Spec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected name or name:key=value,…; got an empty spec");
        }
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        return new Spec(name, keyValues(colon < 0 ? "" : text.substring(colon + 1)));
    }

    /** Parses {@code "a=1,b=2"} (blank: empty) into an ordered map, rejecting malformed or repeated keys. */
    public static Map<String, String> keyValues(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("expected key=value in '" + spec + "', got '" + part.trim() + "'");
            }
            String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (out.put(k, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("key '" + k + "' given twice in '" + spec + "'");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name);
        String sep = ":";
        for (Map.Entry<String, String> e : values.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ",";
        }
        return s.toString();
    }
}
