package org.gradreg.theory.claims;

import java.util.SplittableRandom;
import org.ejml.simple.SimpleEVD;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.VectorFunction;

/**
 * A seeded smooth function with a strict local minimum at θ* = 0 whose Hessian there is a random
 * positive-definite H, and which is not quadratic (unless {@code quadratic}):
 * L(θ) = ½θᵀHθ + Σ cᵢθᵢ³ + q‖θ‖⁴, c ∈ [−1, 1]ᵈ, q = 0.5. Gradient in closed form.
 */
final class LocalMinimum implements VectorFunction {

    static final double Q = 0.5;

    final SimpleMatrix h;
    final double[] c;
    final double q;
    final double lambdaMax;

    LocalMinimum(long seed, int d, boolean quadratic) {
        SplittableRandom r = new SplittableRandom(seed);
        SimpleMatrix b = new SimpleMatrix(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                b.set(i, j, r.nextDouble(-1, 1));
            }
        }
        h = b.transpose().mult(b).plus(SimpleMatrix.identity(d).scale(0.1));
        c = new double[d];
        for (int i = 0; i < d; i++) {
            c[i] = quadratic ? 0 : r.nextDouble(-1, 1);
        }
        q = quadratic ? 0 : Q;
        SimpleEVD<SimpleMatrix> evd = h.eig();
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < d; i++) {
            m = Math.max(m, evd.getEigenvalue(i).getReal());
        }
        lambdaMax = m;
    }

    @Override
    public double value(double[] x) {
        double v = 0.5 * GnrQuadraticSharpness.quad(h, x);
        double n2 = 0;
        for (int i = 0; i < x.length; i++) {
            v += c[i] * x[i] * x[i] * x[i];
            n2 += x[i] * x[i];
        }
        return v + q * n2 * n2;
    }

    @Override
    public double[] gradient(double[] x) {
        double[] g = GnrQuadraticSharpness.times(h, x);
        double n2 = 0;
        for (double v : x) {
            n2 += v * v;
        }
        for (int i = 0; i < x.length; i++) {
            g[i] += 3 * c[i] * x[i] * x[i] + 4 * q * n2 * x[i];
        }
        return g;
    }
}
