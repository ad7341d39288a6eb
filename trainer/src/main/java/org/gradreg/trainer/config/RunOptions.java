package org.gradreg.trainer.config;

/**
 * How the run goes: length, batch, loss smoothing, seed and bookkeeping.
 *
 * @param epochs          epochs
 * @param batch           batch size
 * @param accumulate      micro-batches per optimizer step (gradient accumulation)
 * @param labelSmoothing  label smoothing ε
 * @param seed            run seed: initialisation, shuffling, augmentation, dropout
 * @param checkpointEvery checkpoint every n steps (0: at epoch ends only)
 * @param evalBatch       evaluation batch size (0: the training batch)
 */
public record RunOptions(int epochs, int batch, int accumulate, double labelSmoothing, long seed, int checkpointEvery, int evalBatch) {

    public RunOptions {
        Check.that(batch >= 1, "batch must be at least 1, got " + batch);
        Check.that(epochs >= 1, "epochs must be at least 1, got " + epochs);
        Check.that(accumulate >= 1, "accumulate must be >= 1, got " + accumulate);
        Check.that(batch % accumulate == 0, "batch " + batch + " cannot be split into " + accumulate + " equal micro-batches (--accumulate)");
        Check.that(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1), got " + labelSmoothing);
        Check.that(checkpointEvery >= 0 && evalBatch >= 0, "checkpoint-every and eval-batch must be >= 0");
    }
}
