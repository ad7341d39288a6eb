package org.gradreg.toy;

import java.util.function.Function;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.VectorFunction;

/**
 * An objective written once in Commons Math forward-mode arithmetic ({@link DerivativeStructure}),
 * giving exact values, gradients and Hessians: the gradient feeds optim as a {@link VectorFunction},
 * the Hessian EJML's eigenvalues.
 */
public final class ForwardMode {

    private final int dimension;
    private final Function<DerivativeStructure[], DerivativeStructure> f;

    public ForwardMode(int dimension, Function<DerivativeStructure[], DerivativeStructure> f) {
        this.dimension = dimension;
        this.f = f;
    }

    private DerivativeStructure at(double[] x, int order) {
        DerivativeStructure[] v = new DerivativeStructure[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = new DerivativeStructure(dimension, order, i, x[i]);
        }
        return f.apply(v);
    }

    public double value(double[] x) {
        return at(x, 0).getValue();
    }

    public double[] gradient(double[] x) {
        DerivativeStructure d = at(x, 1);
        double[] g = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            int[] o = new int[dimension];
            o[i] = 1;
            g[i] = d.getPartialDerivative(o);
        }
        return g;
    }

    public SimpleMatrix hessian(double[] x) {
        DerivativeStructure d = at(x, 2);
        SimpleMatrix h = new SimpleMatrix(dimension, dimension);
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < dimension; j++) {
                int[] o = new int[dimension];
                o[i]++;
                o[j]++;
                h.set(i, j, d.getPartialDerivative(o));
            }
        }
        return h;
    }

    /** The largest Hessian eigenvalue (EJML, symmetric). */
    public double lambdaMax(double[] x) {
        var eig = hessian(x).eig();
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            m = Math.max(m, eig.getEigenvalue(i).getReal());
        }
        return m;
    }

    public VectorFunction asVectorFunction() {
        return VectorFunction.of(this::value, this::gradient);
    }
}
