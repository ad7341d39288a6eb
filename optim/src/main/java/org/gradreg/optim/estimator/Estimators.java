package org.gradreg.optim.estimator;

import org.gradreg.optim.Evaluation;
import org.gradreg.optim.NonFiniteException;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Pass;

/** Checks shared by the estimators. */
final class Estimators {

    private Estimators() {
    }

    /** The primary evaluation, with a clear error if its loss or gradient is not finite. */
    static Evaluation primary(Oracle oracle, long step) {
        return checked(oracle.evaluate(Pass.PRIMARY), step, "first (unperturbed) evaluation");
    }

    /** A perturbed evaluation, checked likewise. */
    static Evaluation perturbed(Oracle oracle, long step, String where) {
        return checked(oracle.evaluate(Pass.PERTURBED), step, where);
    }

    private static Evaluation checked(Evaluation e, long step, String where) {
        if (!Double.isFinite(e.loss())) {
            throw new NonFiniteException("step " + step + ", " + where + ": loss is " + e.loss());
        }
        e.gradient().requireFinite("step " + step + ", " + where + ": gradient");
        return e;
    }
}
