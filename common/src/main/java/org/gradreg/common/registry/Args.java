package org.gradreg.common.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checked, typed values of one parsed spec: every key of the entry, given or defaulted.
 * Required keys are always present; {@link #given} tells which keys the user wrote.
 */
public final class Args {

    private final String owner;
    private final Map<String, Object> values;
    private final Set<String> given;

    Args(String owner, Map<String, Object> values, Set<String> given) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.given = Set.copyOf(given);
    }

    /** The entry these values are for (for messages). */
    public String owner() {
        return owner;
    }

    /** Whether the spec named {@code key} (rather than taking its default). */
    public boolean given(String key) {
        return given.contains(key);
    }

    public double number(String key) {
        return ((Number) get(key)).doubleValue();
    }

    public long integer(String key) {
        return ((Number) get(key)).longValue();
    }

    /** A whole-number key's value as an int (a count or a size), or an error naming the entry and key if it is larger. */
    public int count(String key) {
        long v = integer(key);
        if (v != (int) v) {
            throw new IllegalArgumentException(owner + ": " + key + "=" + v + " is too large");
        }
        return (int) v;
    }

    public boolean flag(String key) {
        return (Boolean) get(key);
    }

    public String choice(String key) {
        return (String) get(key);
    }

    /** Every key with its value (null for an optional key without default), in the entry's order. */
    public Map<String, Object> values() {
        return values;
    }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(owner + " has no value for '" + key + "'; keys: " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return owner + values;
    }
}
