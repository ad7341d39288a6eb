package org.gradreg.optim;

/**
 * Which evaluation of a step the oracle is asked for. Exactly one evaluation per step is
 * {@link #PRIMARY}: the one at the unperturbed parameters. Models use it to update running
 * statistics (batch norm) from that pass only, as the authors' GR/SAM code does.
 */
public enum Pass {
    /** At the current, unperturbed parameters: the first evaluation of a step. */
    PRIMARY,
    /** At temporarily perturbed parameters (SAM/GR ascent point, finite-difference HVP point). */
    PERTURBED
}
