package org.gradreg.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Helpers for nested checkpoint state (maps of named arrays): prefixing a part's entries, taking a
 * part back out, and the checks every {@code loadState} makes, with messages that name the entry.
 */
public final class State {

    private State() {
    }

    /** {@code part}'s entries under {@code prefix + "/"}, added to {@code into}. */
    public static void nest(Map<String, INDArray> into, String prefix, Map<String, INDArray> part) {
        part.forEach((k, v) -> into.put(prefix + "/" + k, v));
    }

    /** The entries of {@code state} under {@code prefix + "/"}, with the prefix removed. */
    public static Map<String, INDArray> part(Map<String, INDArray> state, String prefix) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        String p = prefix + "/";
        state.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    /**
     * A part's tensors kept under {@code prefix + "/"} (an EMA, a stored direction), read back from
     * {@code state}: a copy, or null when the state has none. Every entry must be under the prefix
     * and, when the part already holds {@code current}, have its names and shapes; errors name the entry.
     */
    public static Params params(Object owner, Map<String, INDArray> state, String prefix, Params current) {
        for (String k : state.keySet()) {
            if (!k.startsWith(prefix + "/")) {
                throw new IllegalArgumentException(owner + ": the state to load has an unknown entry '" + k + "'; it keeps only "
                        + prefix + "/<tensor>");
            }
        }
        Map<String, INDArray> part = part(state, prefix);
        if (part.isEmpty()) {
            return null;
        }
        if (current != null) {
            requireSameLayout(owner, prefix(current.asMap(), prefix), state);
        }
        Map<String, INDArray> copy = new LinkedHashMap<>();
        part.forEach((k, v) -> copy.put(k, v.dup()));
        return Params.of(copy);
    }

    /** {@code p}'s tensors under {@code prefix + "/"} (live arrays), for a part's {@code state()}; empty for null. */
    public static Map<String, INDArray> prefix(Map<String, INDArray> p, String prefix) {
        Map<String, INDArray> s = new LinkedHashMap<>();
        if (p != null) {
            nest(s, prefix, p);
        }
        return s;
    }

    /** For a stateless part: an error naming the first entry {@code state} holds. */
    public static void requireEmpty(Object owner, Map<String, INDArray> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(owner + " keeps no state, but the state to load has entry '"
                    + state.keySet().iterator().next() + "' (" + state.size() + " entries: a different configuration?)");
        }
    }

    /**
     * Checks that {@code loaded} has exactly the entries of {@code expected}, each of the same shape
     * and data type; the message names the first entry that is missing, extra or different.
     */
    public static void requireSameLayout(Object owner, Map<String, INDArray> expected, Map<String, INDArray> loaded) {
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            INDArray l = loaded.get(e.getKey());
            if (l == null) {
                throw new IllegalArgumentException(owner + ": the state to load has no entry '" + e.getKey() + "'; it has "
                        + loaded.keySet());
            }
            requireShape(owner, e.getKey(), e.getValue(), l);
        }
        for (String k : loaded.keySet()) {
            if (!expected.containsKey(k)) {
                throw new IllegalArgumentException(owner + ": the state to load has an unknown entry '" + k + "'; expected "
                        + expected.keySet());
            }
        }
    }

    /** An error naming {@code key} when {@code loaded}'s shape differs from {@code like}'s. */
    public static void requireShape(Object owner, String key, INDArray like, INDArray loaded) {
        if (!Arrays.equals(like.shape(), loaded.shape())) {
            throw new IllegalArgumentException(owner + ": state entry '" + key + "' has shape " + Arrays.toString(loaded.shape())
                    + ", expected " + Arrays.toString(like.shape()));
        }
    }
}
