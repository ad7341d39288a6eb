package org.gradreg.theory;

import java.util.Map;

/** A quantitative claim of one of the papers, with a check that computes its verdict. */
public interface Claim {

    /** A stable id, e.g. {@code gnr.cos-example}. */
    String id();

    /** A short slug naming the paper; {@link Papers#ALL} gives its full citation. */
    String paper();

    /** Equation, theorem or section, e.g. "Theorem 4.2 (eq. 9)". */
    String reference();

    String statement();

    /** How gradreg checks it. */
    String method();

    /** Runs the check; seeded, so every run gives the same outcome. */
    Outcome check();

    /** A verdict with its evidence and, for {@code fails}, a counterexample. */
    record Outcome(Verdict verdict, Map<String, Object> evidence, String counterexample) {
        public static Outcome of(Verdict v, Map<String, Object> evidence) {
            return new Outcome(v, evidence, null);
        }
    }
}
