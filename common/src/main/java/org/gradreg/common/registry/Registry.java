package org.gradreg.common.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named entries of one kind (update rules, estimators, transforms, schedules): the single source of
 * the names a command line accepts, its help text, its "known: …" messages, the docs' tables and
 * the contract tests' cases. Adding an entry to a registry is all it takes to make a new piece
 * buildable by name, listed in help and tested by the contract tests.
 *
 * @param <F> the factory type of the entries
 */
public final class Registry<F> {

    /** A checked spec: the entry and its arguments; {@link #factory()} builds from them. */
    public record Parsed<F>(Entry<F> entry, Args args) {
        public F factory() {
            return entry.factory();
        }
    }

    private final String kind;
    private final Map<String, Entry<F>> entries = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private String keyNoun = "hyper-parameter";

    /** A registry of {@code kind} ("optimizer", "gradient estimator" …) holding {@code entries} in help order. */
    @SafeVarargs
    public Registry(String kind, Entry<F>... entries) {
        this.kind = kind;
        for (Entry<F> e : entries) {
            if (this.entries.put(e.name(), e) != null) {
                throw new IllegalArgumentException(kind + " '" + e.name() + "' registered twice");
            }
        }
    }

    /** This registry with {@code alias} accepted for {@code name} (aliases are not listed in help). */
    public Registry<F> alias(String alias, String name) {
        entry(name);
        aliases.put(alias, name);
        return this;
    }

    /** This registry with its keys called {@code noun} in messages ("override" for models, "option" for data sets). */
    public Registry<F> keysCalled(String noun) {
        this.keyNoun = noun;
        return this;
    }

    public String kind() {
        return kind;
    }

    /** The entries in registration (help) order. */
    public List<Entry<F>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    /** The names, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
    }

    /** The entry called {@code name} (case-insensitive), or an error listing the known names. */
    public Entry<F> entry(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        Entry<F> e = entries.get(aliases.getOrDefault(n, n));
        if (e == null) {
            throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; known: " + names());
        }
        return e;
    }

    /** {@code spec} ({@code name} or {@code name:key=value,…}) checked completely, without building anything. */
    public Parsed<F> parse(String spec) {
        Spec s = Spec.parse(spec);
        Entry<F> e = entry(s.name());
        return new Parsed<>(e, e.args(s.values(), keyNoun));
    }

    /**
     * {@link #parse}, with the error for a bad key or value prefixed by {@code kind 'spec': } so that
     * it names the whole spec (as {@code model 'vit-ti:hiden=3': unknown vit-ti override 'hiden'; known: …});
     * an unknown name's error is {@link #entry}'s.
     */
    public Parsed<F> parseNamed(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        entry(spec == null ? "" : colon < 0 ? spec : spec.substring(0, colon));
        try {
            return parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kind + " '" + spec + "': " + e.getMessage(), e);
        }
    }

    /** One line for option descriptions: {@code sgd, adam, …}. */
    public String namesText() {
        return String.join(", ", entries.keySet());
    }

    /** Help lines, one per entry: {@code name: description (keys)}. */
    public List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        for (Entry<F> e : entries.values()) {
            String keys = e.keysText();
            lines.add("  " + e.name() + ": " + e.description() + (keys.isEmpty() ? "" : "; keys: " + keys));
        }
        return lines;
    }

    /** A Markdown table of the entries, their keys and examples (for the docs). */
    public String markdown() {
        StringBuilder s = new StringBuilder("| " + kind + " | what | keys (default, range) | example |\n| --- | --- | --- | --- |\n");
        for (Entry<F> e : entries.values()) {
            s.append("| `").append(e.name()).append("` | ").append(e.description()).append(" | ")
                    .append(e.keysText().isEmpty() ? "none" : e.keysText().replace("|", "\\|")).append(" | `")
                    .append(e.example().isEmpty() ? e.name() : e.name() + ":" + e.example()).append("` |\n");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return kind + " registry " + names();
    }
}
