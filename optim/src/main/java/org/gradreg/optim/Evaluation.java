package org.gradreg.optim;

/**
 * Loss and gradient of every parameter at the parameters' values when the oracle was asked.
 * The gradient is owned by the caller: later evaluations must not overwrite it.
 */
public record Evaluation(double loss, Params gradient) {
}
