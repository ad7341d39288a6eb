package org.gradreg.toy;

import java.util.List;
import java.util.Map;

/**
 * What a reproduction measured: its headline numbers by name, a few summary lines (what the paper
 * says against what was measured) and the files it wrote (relative to its output folder).
 */
public record ToyResult(String name, Map<String, Double> numbers, List<String> summary, List<String> files) {

    public double number(String key) {
        Double v = numbers.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + " has no number '" + key + "'; it has " + numbers.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return name + ":\n  " + String.join("\n  ", summary);
    }
}
