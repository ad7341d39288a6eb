package org.gradreg.optim;

/**
 * A {@link SplitOracle} that also gives each example's loss and the gradient over any subset of
 * the batch: what ESAM's sharpness-sensitive data selection needs (Du et al. 2022, §3.2: the
 * gradient at θ + ε over the examples whose loss rose the most).
 */
public interface ExampleOracle extends SplitOracle {

    /** The loss of each of examples [from, from + count) at the current parameters (no gradient). */
    double[] losses(Pass pass, int from, int count);

    /** Loss and gradient as means over {@code examples} (indices into the current batch, each once). */
    Evaluation evaluate(Pass pass, int[] examples);

    /** Examples [from, from + count) as an example oracle of their own (indices from 0 within the part). */
    @Override
    default ExampleOracle part(int from, int count) {
        ExampleOracle whole = this;
        return new ExampleOracle() {
            @Override
            public Params params() {
                return whole.params();
            }

            @Override
            public int batchSize() {
                return count;
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                return whole.evaluate(pass, from, count);
            }

            @Override
            public Evaluation evaluate(Pass pass, int start, int n) {
                return whole.evaluate(pass, from + start, n);
            }

            @Override
            public double[] losses(Pass pass, int start, int n) {
                return whole.losses(pass, from + start, n);
            }

            @Override
            public Evaluation evaluate(Pass pass, int[] examples) {
                int[] shifted = new int[examples.length];
                for (int i = 0; i < examples.length; i++) {
                    shifted[i] = from + examples[i];
                }
                return whole.evaluate(pass, shifted);
            }

            @Override
            public String toString() {
                return whole + " examples [" + from + ", " + (from + count) + ")";
            }
        };
    }
}
