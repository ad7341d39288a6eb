package org.gradreg.optim.estimator;

import org.gradreg.optim.Params;

/**
 * Moves parameters to θ + s·d and back. The way back assigns a saved copy of θ, so restoring is
 * exact (bit-identical) rather than θ + s·d − s·d. The copy's storage is reused across steps.
 */
final class Perturbation {

    private Params saved;

    /** Saves θ (once per estimate) so that {@link #restore} can put it back. */
    void save(Params params) {
        if (saved == null || !sameLayout(saved, params)) {
            saved = params.copy();
        } else {
            saved.assign(params);
        }
    }

    /** θ ← θ + s·d (in place). {@link #save} must have been called first. */
    void shift(Params params, double s, Params direction) {
        params.addScaled(s, direction);
    }

    /** θ ← the saved θ. */
    void restore(Params params) {
        params.assign(saved);
    }

    private static boolean sameLayout(Params a, Params b) {
        if (!a.names().equals(b.names()) || a.dataType() != b.dataType()) {
            return false;
        }
        for (String n : a.names()) {
            if (a.get(n).length() != b.get(n).length()) {
                return false;
            }
        }
        return true;
    }
}
