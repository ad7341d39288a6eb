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

    /** A function from two lambdas, e.g. {@code VectorFunction.of(t -> t[0] * t[0], t -> new double[] {2 * t[0]})}. */
    static VectorFunction of(java.util.function.ToDoubleFunction<double[]> value, java.util.function.UnaryOperator<double[]> gradient) {
        return new VectorFunction() {
            @Override
            public double value(double[] theta) {
                return value.applyAsDouble(theta);
            }

            @Override
            public double[] gradient(double[] theta) {
                return gradient.apply(theta);
            }
        };
    }
}
