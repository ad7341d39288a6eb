package org.gradreg.trainer.report;

/** A claim's outcome in one panel; compared, against and welch are null when no finished runs match both settings. */
public record ClaimOutcome(ReportSpec.Claim claim, String panel, Group compared, Group against, Welch welch, String verdict) {
}
