package org.gradreg.optim.estimator;

import org.gradreg.optim.Evaluation;
import org.gradreg.optim.NonFiniteException;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;

/** Checked oracle calls shared by the estimators. */
final class Estimators {

    private Estimators() {
    }

    /** An evaluation and the global L2 norm of its gradient. */
    record Checked(double loss, Params gradient, double norm) {
    }

    /** The primary evaluation, with a clear error if its loss or gradient is not finite. */
    static Checked primary(Oracle oracle, long step) {
        return checked(oracle.evaluate(Pass.PRIMARY), step, "first (unperturbed) evaluation");
    }

    /** A perturbed evaluation, checked likewise. */
    static Checked perturbed(Oracle oracle, long step, String where) {
        return checked(oracle.evaluate(Pass.PERTURBED), step, where);
    }

    /** The primary evaluation taken at the point {@code where} names (Momentum-SAM's only evaluation, at its ascent point). */
    static Checked primary(Oracle oracle, long step, String where) {
        return checked(oracle.evaluate(Pass.PRIMARY), step, where);
    }

    /** The estimate that is the primary evaluation's gradient itself (no ascent this step). */
    static Estimate plain(Checked first, java.util.Map<String, Double> values) {
        return new Estimate(first.loss(), first.gradient(), first.gradient(), first.norm(), 1, values);
    }

    /** cos(a, b) = a·b/(‖a‖‖b‖) given the norms; NaN when either is 0. */
    static double cosine(Params a, double aNorm, Params b, double bNorm) {
        return aNorm == 0 || bNorm == 0 ? Double.NaN : a.dot(b) / (aNorm * bNorm);
    }

    /** {@code e} checked: a clear error if its loss or gradient is not finite. */
    static Checked checked(Evaluation e, long step, String where) {
        if (!Double.isFinite(e.loss())) {
            throw new NonFiniteException("step " + step + ", " + where + ": loss is " + e.loss());
        }
        // one reduction serves as norm and as check: the norm is finite iff every element is
        // (short of squares overflowing, which no usable gradient does)
        double norm = e.gradient().norm2();
        if (!Double.isFinite(norm)) {
            e.gradient().requireFinite("step " + step + ", " + where + ": gradient");
            throw new NonFiniteException("step " + step + ", " + where + ": gradient norm overflows (" + norm + ")");
        }
        return new Checked(e.loss(), e.gradient(), norm);
    }
}
