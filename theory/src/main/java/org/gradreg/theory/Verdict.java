package org.gradreg.theory;

import com.fasterxml.jackson.annotation.JsonValue;

/** The computed verdict on a claim. */
public enum Verdict {
    HOLDS("holds"),
    HOLDS_APPROXIMATELY("holds-approximately"),
    HOLDS_UNDER_CONDITIONS("holds-under-conditions"),
    FAILS("fails");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
