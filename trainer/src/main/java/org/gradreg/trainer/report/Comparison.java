package org.gradreg.trainer.report;

/** One row of the comparisons: a setting, what it is compared against, a metric and Welch's interval. */
public record Comparison(String panel, Group compared, Group against, String metric, Welch welch) {
}
