package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Evaluates the oracle at θ + ε and puts θ back. The way back assigns a saved copy of the tensors
 * ε moved, so restoring is exact (bit-identical) rather than θ + ε − ε, also when the evaluation
 * throws. The copy's storage is reused across steps. This is the one place the estimators
 * perturb-evaluate-restore.
 */
final class Perturbation {

    private Params saved;

    /**
     * The checked evaluation at θ + Σ εᵢ (the shifts applied in order, each one axpy per tensor of
     * its vector), labelled {@code where} in errors; θ is restored before this returns.
     */
    Estimators.Checked evaluate(Oracle oracle, long step, String where, Ascent... shifts) {
        return at(oracle, () -> Estimators.perturbed(oracle, step, where), shifts);
    }

    /** {@link #evaluate}, as the step's primary evaluation (Momentum-SAM's only one). */
    Estimators.Checked evaluatePrimary(Oracle oracle, long step, String where, Ascent... shifts) {
        return at(oracle, () -> Estimators.primary(oracle, step, where), shifts);
    }

    /** What {@code body} computes with the parameters at θ + Σ εᵢ (ESAM: losses, then a gradient); θ is restored after. */
    <T> T at(Oracle oracle, java.util.function.Supplier<T> body, Ascent... shifts) {
        Params params = oracle.params();
        save(params, shifts[0].vector(), shifts);
        try {
            for (Ascent s : shifts) {
                if (s.scale() == 0) {
                    continue; // as Params.addScaled: θ + 0·d leaves θ (and the sign of its zeros) alone
                }
                for (Map.Entry<String, INDArray> e : s.vector()) {
                    Params.axpy(s.scale(), e.getValue(), params.get(e.getKey()));
                }
            }
            return body.get();
        } finally {
            restore(params);
        }
    }

    /** Saves the tensors of θ that {@code moved} names (the later shifts of one evaluation may name no others). */
    private void save(Params params, Params moved, Ascent[] shifts) {
        for (Ascent s : shifts) {
            if (!moved.names().containsAll(s.vector().names())) {
                throw new IllegalArgumentException("a later shift moves tensors the first does not: " + s.vector().names());
            }
        }
        Params part = params;
        if (moved.size() != params.size()) {
            Map<String, INDArray> m = new java.util.LinkedHashMap<>();
            for (String n : moved.names()) {
                m.put(n, params.get(n));
            }
            part = Params.of(m);
        }
        if (saved == null || !sameLayout(saved, part)) {
            saved = part.copy();
        } else {
            saved.assign(part);
        }
    }

    /** θ ← the saved θ, tensor by tensor. */
    private void restore(Params params) {
        for (Map.Entry<String, INDArray> e : saved) {
            params.get(e.getKey()).assign(e.getValue());
        }
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
