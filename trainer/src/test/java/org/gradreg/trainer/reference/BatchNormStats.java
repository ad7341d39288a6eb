package org.gradreg.trainer.reference;

/**
 * A batch-norm layer's running statistics: the graph outputs its batch mean and variance under
 * {@code batchMean}/{@code batchVar} and the number of values per channel (N·H·W) under {@code count}; in evaluation it reads the running values from the
 * placeholders {@code runningMean}/{@code runningVar} (selected by the {@code training} flag
 * placeholder). The oracle updates the running values in Java, from primary passes only.
 */
public record BatchNormStats(String name, String batchMean, String batchVar, String runningMean, String runningVar,
                             String count, long channels, double momentum) {
}
