package org.gradreg.optim;

/**
 * A differentiable function of a real vector, in plain double arithmetic: the form analytic test
 * objectives take before {@link FunctionOracle} puts them behind the {@link Oracle} interface.
 */
public interface VectorFunction {

    /** f(θ). */
    double value(double[] theta);

    /** ∇f(θ), a new array of θ's length. */
    double[] gradient(double[] theta);
}
