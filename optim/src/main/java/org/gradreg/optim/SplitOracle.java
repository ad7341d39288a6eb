package org.gradreg.optim;

/**
 * An {@link Oracle} whose batch can also be evaluated in parts: the capability the perturbation
 * scope of the SAM-family estimators needs (each micro-batch, or each group of m examples, with
 * its own ascent, as google-research/sam perturbs per replica: "m-sharpness").
 * {@link #evaluate(Pass)} is the whole batch; {@link #evaluate(Pass, int, int)} the mean loss and
 * gradient over examples [from, from + count) of the same batch, with the same randomness.
 */
public interface SplitOracle extends Oracle {

    /** Examples in the current batch. */
    int batchSize();

    /**
     * The examples of one micro-batch when the oracle accumulates gradients over micro-batches
     * (the batch size when it does not): the unit of the {@code micro} scope.
     */
    default int microBatchSize() {
        return batchSize();
    }

    /**
     * Loss and gradient as means over examples [from, from + count) of the current batch. An
     * oracle may accept only some ranges (whole micro-batches): it says which in its error.
     */
    Evaluation evaluate(Pass pass, int from, int count);

    /** Examples [from, from + count) as an oracle of their own: same parameters, that part of the batch. */
    default Oracle part(int from, int count) {
        SplitOracle whole = this;
        return new Oracle() {
            @Override
            public Params params() {
                return whole.params();
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                return whole.evaluate(pass, from, count);
            }

            @Override
            public String toString() {
                return whole + " examples [" + from + ", " + (from + count) + ")";
            }
        };
    }
}
