package org.gradreg.trainer.report;

/**
 * One row of the comparisons: a setting, what it is compared against, a metric, the paired
 * comparison over their shared seeds and its p-value after Holm's correction over the
 * {@code family} rows of the table.
 */
public record Comparison(String panel, Group compared, Group against, String metric, Paired test, double holm, int family) {
}
