package org.gradreg.common.registry;

import java.util.List;
import java.util.Locale;

/**
 * One accepted key of a registry entry's {@code name:key=value,…} spec: its name, type, default
 * (null: required), range or choices, and a one-line description.
 */
public record Key(String name, Type type, String defaultValue, Range range, List<String> choices, String description) {

    /** The value types a key can take. */
    public enum Type { NUMBER, INTEGER, FLAG, CHOICE }

    public Key {
        choices = List.copyOf(choices);
        if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isBlank()) {
            throw new IllegalArgumentException("key names are lower case, got '" + name + "'");
        }
    }

    /** A real number in {@code range}; {@code defaultValue} null makes it required, NaN means "chosen by the entry". */
    public static Key number(String name, Double defaultValue, Range range, String description) {
        return new Key(name, Type.NUMBER, defaultValue == null ? null : String.valueOf(defaultValue), range, List.of(), description);
    }

    /** A whole number in {@code range}. */
    public static Key integer(String name, Long defaultValue, Range range, String description) {
        return new Key(name, Type.INTEGER, defaultValue == null ? null : String.valueOf(defaultValue), range, List.of(), description);
    }

    /** true or false (a bare {@code key} is not accepted: write {@code key=true}). */
    public static Key flag(String name, boolean defaultValue, String description) {
        return new Key(name, Type.FLAG, String.valueOf(defaultValue), Range.ALL, List.of(), description);
    }

    /** One of {@code choices} (case-insensitive); the first choice listed with {@code defaultValue} null is not implied. */
    public static Key choice(String name, String defaultValue, List<String> choices, String description) {
        return new Key(name, Type.CHOICE, defaultValue, Range.ALL, choices, description);
    }

    /** A number that may be left out, with no default ({@link Args#given} tells whether it was written). */
    public static Key optionalNumber(String name, Range range, String description) {
        return new Key(name, Type.NUMBER, "", range, List.of(), description);
    }

    /** A whole number that may be left out, with no default ({@link Args#given} tells whether it was written). */
    public static Key optionalInteger(String name, Range range, String description) {
        return new Key(name, Type.INTEGER, "", range, List.of(), description);
    }

    public boolean required() {
        return defaultValue == null;
    }

    /** The typed value of {@code raw} for this key, or an error naming {@code owner}, the key and the accepted values. */
    Object parse(String owner, String raw) {
        return parse(owner, raw, true);
    }

    /** The typed default value (null when required); an entry-chosen default ("NaN") skips the range check. */
    Object defaultParsed(String owner) {
        return defaultValue == null || defaultValue.isEmpty() ? null : parse(owner, defaultValue, false);
    }

    private Object parse(String owner, String raw, boolean checked) {
        String v = raw.trim();
        switch (type) {
            case NUMBER -> {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(owner + ": " + name + "=" + raw + " is not a number");
                }
                if (checked) {
                    checkRange(owner, raw, d);
                }
                return d;
            }
            case INTEGER -> {
                long l;
                try {
                    l = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(owner + ": " + name + "=" + raw + " is not a whole number");
                }
                if (checked) {
                    checkRange(owner, raw, l);
                }
                return l;
            }
            case FLAG -> {
                String s = v.toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException(owner + ": " + name + "=" + raw + " must be true or false");
            }
            case CHOICE -> {
                String s = v.toLowerCase(Locale.ROOT);
                if (choices.contains(s)) {
                    return s;
                }
                throw new IllegalArgumentException(owner + ": " + name + "=" + raw + " is not one of " + choices);
            }
            default -> throw new AssertionError(type);
        }
    }

    private void checkRange(String owner, String raw, double d) {
        if (!range.contains(d)) {
            throw new IllegalArgumentException(owner + ": " + name + "=" + raw + " is out of range; " + name + " must be in " + range);
        }
    }

    /** {@code name=default in range}, {@code name (required) in range} or {@code name=default of [a, b]}. */
    public String describe() {
        String d = required() ? name + " (required)" : defaultValue.isEmpty() ? name + " (optional)" : name + "=" + defaultText();
        return switch (type) {
            case NUMBER, INTEGER -> range == Range.ALL ? d : d + " in " + range;
            case FLAG -> d;
            case CHOICE -> d + " of " + String.join("|", choices);
        };
    }

    /** The default as a user writes it ("auto" for an entry-chosen NaN). */
    public String defaultText() {
        if (defaultValue == null) {
            return "";
        }
        return type == Type.NUMBER && defaultValue.equals("NaN") ? "auto"
                : defaultValue.replaceAll("\\.0$", "").replace(".0E", "e").replace("E", "e");
    }
}
