package org.gradreg.optim.estimator;

/**
 * What a gradient estimator's factory may need to know of the training loop that will run it, in
 * optimizer steps: the steps per epoch (to turn a length in epochs into steps), the LR warmup's
 * length (GR's warmup policies default to it) and the run's length. Outside a training loop
 * (JShell, the toys) there is none: factories get {@link #NONE} or null, and a key that needs the
 * loop is an error naming it.
 *
 * @param stepsPerEpoch optimizer steps per epoch (0: unknown)
 * @param lrWarmupSteps the LR warmup's length
 * @param totalSteps    the run's length (0: unknown)
 */
public record StepContext(long stepsPerEpoch, long lrWarmupSteps, long totalSteps) {

    /** Outside a training loop. */
    public static final StepContext NONE = new StepContext(0, 0, 0);

    public StepContext {
        if (stepsPerEpoch < 0 || lrWarmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("step counts must be >= 0, got " + stepsPerEpoch + " per epoch, " + lrWarmupSteps
                    + " of LR warmup, " + totalSteps + " in all");
        }
    }

    /** Whether a training loop gave this context. */
    public boolean known() {
        return stepsPerEpoch > 0;
    }
}
