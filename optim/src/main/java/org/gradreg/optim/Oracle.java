package org.gradreg.optim;

/**
 * The objective as gradient estimators see it: "loss and gradients of all parameters at their
 * current values, on the current batch".
 *
 * <p>Estimators perturb {@link #params()} in place, call {@link #evaluate(Pass)} and restore the
 * parameters exactly from a saved copy. An implementation must therefore read the live tensors
 * returned by {@code params()} at every call, keep the batch (and any dropout masks) fixed
 * until the caller moves to the next step, and return gradients that later calls do not overwrite.
 */
public interface Oracle {

    /** The live parameter tensors (edited in place by estimators and update rules). */
    Params params();

    /** Loss and gradients at the current parameter values on the current batch. */
    Evaluation evaluate(Pass pass);

    /** A primary evaluation. */
    default Evaluation evaluate() {
        return evaluate(Pass.PRIMARY);
    }
}
