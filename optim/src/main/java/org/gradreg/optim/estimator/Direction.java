package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.optim.State;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a SAM-family estimator perturbs the parameters: the ascent ε of radius ρ from θ, given the
 * gradient g₁ = ∇L(θ) of the step. SAM's is ε = ρ·g₁/‖g₁‖ ({@link #GRADIENT}); ASAM's rescales it
 * by |θ| + η ({@link AdaptiveDirection}); a new variant (Fisher-SAM's F⁻¹g₁ direction, SAM-ON's
 * mask) is one short class. The estimator evaluates the oracle at θ + ε and restores θ exactly
 * ({@link Perturbation}); what it does with the two gradients is its own.
 *
 * <p>A direction may keep state across steps (an EMA of gradients); it is part of the estimator's
 * checkpoint state.
 */
public interface Direction {

    /** SAM's ascent (Foret et al. 2021, eq. 2): ε = ρ·g₁/‖g₁‖; none when ‖g₁‖ = 0. */
    Direction GRADIENT = new Direction() {
        @Override
        public Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step) {
            return g1Norm == 0 ? Ascent.NONE : new Ascent(rho / g1Norm, g1);
        }

        @Override
        public String toString() {
            return "";
        }
    };

    /**
     * The ascent of radius {@code rho} (> 0) at parameters {@code theta} for step {@code step}, given
     * g₁ and ‖g₁‖; {@link Ascent#NONE} when there is none (g₁ = 0). Must not change θ or g₁.
     */
    Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step);

    /** The state this direction carries from step to step (empty for the stateless ones). Arrays may be live. */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** Restores a state saved by {@link #state()}, checking names and shapes. */
    default void loadState(Map<String, INDArray> state) {
        State.requireEmpty(this, state);
    }

    /** The same direction with no state (a fresh estimator's). */
    default Direction fresh() {
        return this;
    }
}
