package org.gradreg.trainer.config;

/**
 * What a run measures beside training, without changing the training (its parameters, optimizer
 * state and metrics are bit-identical with and without these measurements).
 *
 * @param psiEvery   every this many steps (at steps psiEvery, 2·psiEvery, …; 0: never), Var(ψ) of the adaptive rate per
 *                   coordinate over {@code psiBatches} mini-batches at the current parameters and optimizer state (the
 *                   harmful-GR paper's quantity, §4 and Theorems 4.2-4.3; Adam-type and RMSProp rules only)
 * @param psiBatches mini-batches per such measurement (at least 2)
 */
public record MeasureConfig(int psiEvery, int psiBatches) {

    public MeasureConfig {
        Check.that(psiEvery >= 0, "measure.psiEvery must be >= 0 (0: never), got " + psiEvery);
        Check.that(psiBatches >= 2, "measure.psiBatches must be >= 2 (a variance needs two batches), got " + psiBatches);
    }

    /** No measurements. */
    public static MeasureConfig none() {
        return new MeasureConfig(0, 16);
    }
}
