package org.gradreg.trainer.run;

/**
 * How a run ended, as {@value RunDir#RESULT} holds it once the run is finished.
 *
 * @param status     finished, interrupted (stopped early, resumable) or diverged
 * @param steps      optimizer steps done
 * @param trainLoss  the last epoch's mean training loss (primary passes, dropout on)
 * @param trainError the last epoch's training error
 * @param testLoss   the final test loss (evaluation mode)
 * @param testError  the final top-1 test error
 * @param message    what happened, in words
 */
public record RunResult(Status status, long steps, double trainLoss, double trainError, double testLoss, double testError,
                        String message) {

    /** How a run ended. */
    public enum Status { FINISHED, INTERRUPTED, DIVERGED }
}
