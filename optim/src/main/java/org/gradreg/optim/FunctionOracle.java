package org.gradreg.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An {@link Oracle} over an analytic {@link VectorFunction}: one DOUBLE parameter tensor
 * {@code theta}. Counts its evaluations, so estimators' costs can be checked.
 */
public final class FunctionOracle implements Oracle {

    private final VectorFunction f;
    private final Params params;
    private long evaluations;

    private FunctionOracle(VectorFunction f, double[] theta0) {
        this.f = f;
        this.params = Params.of("theta", Nd4j.createFromArray(theta0.clone()));
    }

    /** The oracle of {@code f}, starting at {@code theta0} (copied). */
    public static FunctionOracle of(VectorFunction f, double... theta0) {
        if (theta0.length == 0) {
            throw new IllegalArgumentException("theta0 must have at least one element");
        }
        return new FunctionOracle(f, theta0);
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        evaluations++;
        double[] theta = theta();
        double[] g = f.gradient(theta);
        if (g.length != theta.length) {
            throw new IllegalStateException("gradient has " + g.length + " elements for a " + theta.length + "-element theta");
        }
        return new Evaluation(f.value(theta), Params.of("theta", Nd4j.createFromArray(g)));
    }

    /** The current θ as a new double array. */
    public double[] theta() {
        return params.get("theta").castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** Sets θ in place. */
    public void setTheta(double... theta) {
        INDArray t = params.get("theta");
        if (theta.length != t.length()) {
            throw new IllegalArgumentException("theta has " + t.length() + " elements, got " + theta.length);
        }
        t.assign(Nd4j.createFromArray(theta));
    }

    /** Number of {@link #evaluate} calls so far. */
    public long evaluations() {
        return evaluations;
    }

    @Override
    public String toString() {
        return "FunctionOracle[" + f + ", theta=" + java.util.Arrays.toString(theta()) + "]";
    }
}
