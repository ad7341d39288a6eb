package org.gradreg.theory;

import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.VectorFunction;

/**
 * A seeded random smooth function of d variables with closed-form gradient and Hessian:
 * <pre>  f(x) = ½ xᵀAx + Σⱼ aⱼ·sin(wⱼᵀx + bⱼ)  </pre>
 * A symmetric with entries of scale {@code curvature}, m sine terms with random frequencies wⱼ.
 */
public final class RandomSmoothFunction implements VectorFunction {

    private final long seed;
    private final double[][] a;
    private final double[] amp;
    private final double[][] w;
    private final double[] phase;

    public RandomSmoothFunction(long seed, int d, int terms, double curvature) {
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = curvature * r.nextDouble(-1, 1);
                a[i][j] = v;
                a[j][i] = v;
            }
        }
        amp = new double[terms];
        w = new double[terms][d];
        phase = new double[terms];
        for (int k = 0; k < terms; k++) {
            amp[k] = r.nextDouble(-1, 1);
            phase[k] = r.nextDouble(0, 2 * Math.PI);
            for (int i = 0; i < d; i++) {
                w[k][i] = r.nextDouble(-2, 2);
            }
        }
    }

    public int dimension() {
        return a.length;
    }

    private double arg(int k, double[] x) {
        double s = phase[k];
        for (int i = 0; i < x.length; i++) {
            s += w[k][i] * x[i];
        }
        return s;
    }

    @Override
    public double value(double[] x) {
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                v += 0.5 * x[i] * a[i][j] * x[j];
            }
        }
        for (int k = 0; k < amp.length; k++) {
            v += amp[k] * Math.sin(arg(k, x));
        }
        return v;
    }

    @Override
    public double[] gradient(double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                g[i] += a[i][j] * x[j];
            }
        }
        for (int k = 0; k < amp.length; k++) {
            double c = amp[k] * Math.cos(arg(k, x));
            for (int i = 0; i < x.length; i++) {
                g[i] += c * w[k][i];
            }
        }
        return g;
    }

    /** The exact Hessian A − Σ aⱼ sin(wⱼᵀx + bⱼ) wⱼwⱼᵀ. */
    public SimpleMatrix hessian(double[] x) {
        int d = x.length;
        SimpleMatrix h = new SimpleMatrix(a);
        for (int k = 0; k < amp.length; k++) {
            double s = -amp[k] * Math.sin(arg(k, x));
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h.set(i, j, h.get(i, j) + s * w[k][i] * w[k][j]);
                }
            }
        }
        return h;
    }

    /** H(x)·v, exact. */
    public double[] hessianTimes(double[] x, double[] v) {
        SimpleMatrix hv = hessian(x).mult(new SimpleMatrix(v.length, 1, true, v));
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = hv.get(i, 0);
        }
        return out;
    }

    /** The seeded variables x₀ … x_{d−1} at {@code x}, for Commons Math forward-mode derivatives up to {@code order}. */
    public static DerivativeStructure[] variables(double[] x, int order) {
        DerivativeStructure[] v = new DerivativeStructure[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = new DerivativeStructure(x.length, order, i, x[i]);
        }
        return v;
    }

    /** f in forward-mode arithmetic: its partial derivatives are exact (no differencing). */
    public DerivativeStructure value(DerivativeStructure[] x) {
        DerivativeStructure v = x[0].getField().getZero();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                v = v.add(x[i].multiply(x[j]).multiply(0.5 * a[i][j]));
            }
        }
        for (int k = 0; k < amp.length; k++) {
            v = v.add(arg(k, x).sin().multiply(amp[k]));
        }
        return v;
    }

    /** ∇f in forward-mode arithmetic, from the closed-form gradient expression. */
    public DerivativeStructure[] gradient(DerivativeStructure[] x) {
        DerivativeStructure zero = x[0].getField().getZero();
        DerivativeStructure[] g = new DerivativeStructure[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = zero;
            for (int j = 0; j < x.length; j++) {
                g[i] = g[i].add(x[j].multiply(a[i][j]));
            }
        }
        for (int k = 0; k < amp.length; k++) {
            DerivativeStructure c = arg(k, x).cos().multiply(amp[k]);
            for (int i = 0; i < x.length; i++) {
                g[i] = g[i].add(c.multiply(w[k][i]));
            }
        }
        return g;
    }

    private DerivativeStructure arg(int k, DerivativeStructure[] x) {
        DerivativeStructure s = x[0].getField().getZero().add(phase[k]);
        for (int i = 0; i < x.length; i++) {
            s = s.add(x[i].multiply(w[k][i]));
        }
        return s;
    }

    /** A seeded point with coordinates in [−1, 1]. */
    public static double[] point(long seed, int d) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        return x;
    }

    @Override
    public String toString() {
        return "RandomSmoothFunction[seed=" + seed + ", d=" + a.length + ", terms=" + amp.length + "]";
    }
}
