package org.gradreg.theory;

import java.util.Map;

/**
 * One row of the claims ledger: what a paper states, how gradreg checked it, and the computed
 * verdict with the numbers that led to it. {@code counterexample} is set for {@code fails}.
 */
public record ClaimResult(String id, String paper, String reference, String statement, String method,
                          Verdict verdict, Map<String, Object> evidence, String counterexample, double seconds) {
}
