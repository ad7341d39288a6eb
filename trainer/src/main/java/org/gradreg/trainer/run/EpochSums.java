package org.gradreg.trainer.run;

/**
 * Running sums of the current epoch: kept in checkpoints so that a resumed epoch reports the same
 * means as an uninterrupted one.
 */
public final class EpochSums {

    public double loss;
    public long correct;
    public long seen;
    public long batches;
    public double gradNorm;

    /** Adds one step: its loss, correct predictions out of {@code n} examples, and ‖g₁‖. */
    public void add(double l, int c, int n, double g) {
        loss += l;
        correct += c;
        seen += n;
        batches++;
        gradNorm += g;
    }
}
