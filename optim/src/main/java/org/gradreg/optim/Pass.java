package org.gradreg.optim;

/**
 * Which evaluation of a step the oracle is asked for. Exactly one evaluation per step (per part
 * of the batch, under a per-micro-batch perturbation scope) is {@link #PRIMARY}: the one at the
 * unperturbed parameters (Momentum-SAM, which evaluates only once, at its ascent point, makes
 * that one primary). Models use it to update running
 * statistics (batch norm) from that pass only, as the authors' GR/SAM code does.
 */
public enum Pass {
    /** At the current, unperturbed parameters: the first evaluation of a step. */
    PRIMARY,
    /**
     * Any other evaluation of the step: at temporarily perturbed parameters (SAM/GR ascent point,
     * finite-difference HVP point) or a further look at the batch (ESAM's per-example losses).
     */
    PERTURBED
}
