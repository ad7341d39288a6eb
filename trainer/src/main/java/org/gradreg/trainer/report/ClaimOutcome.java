package org.gradreg.trainer.report;

/**
 * A claim's outcome in one panel; compared, against and test are null when no finished runs
 * match both settings.
 *
 * @param test     the paired comparison over the seeds both settings ran
 * @param holm     the paired-t p-value after Holm's correction over the {@code family} tests of the claims table (NaN: no test)
 * @param holmPermutation the permutation p-value after Holm's correction over the same family
 * @param family   how many tests the claims table makes (the m of the correction)
 */
public record ClaimOutcome(ReportSpec.Claim claim, String panel, Group compared, Group against, Paired test, double holm,
                           double holmPermutation, int family, String verdict) {
}
