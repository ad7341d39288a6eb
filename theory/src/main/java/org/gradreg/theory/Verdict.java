package org.gradreg.theory;

import com.fasterxml.jackson.annotation.JsonValue;

/** The computed verdict on a claim; the rule that gives each one is {@link VerdictRule} (docs/claims-ledger.md). */
public enum Verdict {
    HOLDS("holds"),
    HOLDS_APPROXIMATELY("holds-approximately"),
    HOLDS_UNDER_CONDITIONS("holds-under-conditions"),
    FAILS("fails"),
    NOT_INFORMATIVE("not-informative");

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
