package org.gradreg.common.registry;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One registry entry (as in timm's optimizer registry): a name, a one-line description, the keys
 * its spec accepts, an example spec (what the docs show and the contract tests build), and the
 * factory that builds the object from checked {@link Args}.
 *
 * @param <F> the factory type of the registry
 */
public record Entry<F>(String name, String description, List<Key> keys, String example, F factory) {

    public Entry {
        keys = List.copyOf(keys);
        Set<String> seen = new LinkedHashSet<>();
        for (Key k : keys) {
            if (!seen.add(k.name())) {
                throw new IllegalArgumentException(name + ": key '" + k.name() + "' listed twice");
            }
        }
        example = example == null ? "" : example;
    }

    public static <F> Entry<F> of(String name, String description, F factory, Key... keys) {
        return new Entry<>(name, description, List.of(keys), "", factory);
    }

    /** The same entry with {@code spec} (the part after the colon) as its example. */
    public Entry<F> example(String spec) {
        return new Entry<>(name, description, keys, spec, factory);
    }

    public Key key(String k) {
        for (Key key : keys) {
            if (key.name().equals(k)) {
                return key;
            }
        }
        return null;
    }

    /**
     * Checks {@code raw} (key → text) against the keys: unknown keys, values that do not parse or
     * are out of range, and missing required keys are errors naming the entry and the key.
     */
    public Args args(Map<String, String> raw) {
        return args(raw, "hyper-parameter");
    }

    /** {@link #args(Map)}, calling a key a {@code keyNoun} ("override", "option") in messages. */
    public Args args(Map<String, String> raw, String keyNoun) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key k : keys) {
            values.put(k.name(), k.defaultParsed(name));
        }
        for (Map.Entry<String, String> e : raw.entrySet()) {
            Key k = key(e.getKey());
            if (k == null) {
                TreeSet<String> known = new TreeSet<>();
                keys.forEach(x -> known.add(x.name()));
                throw new IllegalArgumentException("unknown " + name + " " + keyNoun + " '" + e.getKey() + "'; known: "
                        + (known.isEmpty() ? "none" : known.toString()));
            }
            values.put(k.name(), k.parse(name, e.getValue()));
        }
        for (Key k : keys) {
            if (values.get(k.name()) == null && k.required()) {
                throw new IllegalArgumentException(name + " needs " + k.name() + "=… (" + k.describe() + ")");
            }
        }
        return new Args(name, values, raw.keySet());
    }

    /** Every key with default and range, comma-separated ("" when the entry takes none). */
    public String keysText() {
        StringBuilder s = new StringBuilder();
        for (Key k : keys) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(k.describe());
        }
        return s.toString();
    }
}
