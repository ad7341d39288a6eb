package org.gradreg.optim.landscape;

import java.util.SplittableRandom;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.VectorFunction;

/**
 * The two sharpness measures the GNR paper compares, evaluated by solving their inner maximum
 * over the ball B(θ, ρ) numerically, in double precision:
 * <pre>
 *   R^SAM_ρ(θ) = max_{‖ε‖ ≤ ρ} L(θ + ε) − L(θ)                (SAM's sharpness)
 *   R^GNR_ρ(θ) = ρ · max_{‖ε‖ ≤ ρ} ‖∇L(θ + ε)‖                 (GNR paper, Definition 2.1)
 * </pre>
 * In one dimension the maximum is taken over a dense grid of the interval, refined by golden-section
 * search around the best grid point. In d dimensions it is multi-start projected gradient ascent
 * (seeded starts on the ball: the centre, the ±ρ·eᵢ points and random points), whose Hessian-vector
 * products for ∇‖∇L‖² are central differences of ∇L. Both are lower bounds on the true maximum
 * that tighten with more starts; the 1-D grid with refinement is exact to ~1e-10 for smooth L.
 */
public final class Sharpness {

    private static final int GRID = 4001;
    private static final int RANDOM_STARTS = 16;
    private static final int ASCENT_STEPS = 300;

    private Sharpness() {
    }

    /** R^SAM_ρ(θ). */
    public static double sam(VectorFunction f, double[] theta, double rho) {
        return maximizeOverBall(x -> f.value(x), grad -> f.gradient(grad), theta, rho) - f.value(theta);
    }

    /** R^GNR_ρ(θ) = ρ · max over the ball of ‖∇L‖. */
    public static double gnr(VectorFunction f, double[] theta, double rho) {
        return rho * Math.sqrt(maximizeOverBall(x -> normSq(f.gradient(x)), x -> gradNormSqGradient(f, x), theta, rho));
    }

    /** The point θ + ε of B(θ, ρ) where L is largest (the true inner argmax of SAM, numerically). */
    public static double[] samArgmax(VectorFunction f, double[] theta, double rho) {
        return argmaxOverBall(x -> f.value(x), f::gradient, theta, rho);
    }

    /** The point θ + ε of B(θ, ρ) where ‖∇L‖ is largest (the true inner argmax of R^GNR, numerically). */
    public static double[] gnrArgmax(VectorFunction f, double[] theta, double rho) {
        return argmaxOverBall(x -> normSq(f.gradient(x)), x -> gradNormSqGradient(f, x), theta, rho);
    }

    private interface Scalar {
        double at(double[] x);
    }

    private interface Vector {
        double[] at(double[] x);
    }

    private static double maximizeOverBall(Scalar h, Vector grad, double[] theta, double rho) {
        return h.at(argmaxOverBall(h, grad, theta, rho));
    }

    private static double[] argmaxOverBall(Scalar h, Vector grad, double[] theta, double rho) {
        Hyper.nonNegative("rho", rho);
        if (theta.length == 0) {
            throw new IllegalArgumentException("theta must have at least one element");
        }
        if (rho == 0) {
            return theta.clone();
        }
        return theta.length == 1 ? argmax1D(h, theta[0], rho) : argmaxND(h, grad, theta, rho);
    }

    private static double[] argmax1D(Scalar h, double c, double rho) {
        double best = Double.NEGATIVE_INFINITY;
        int bestI = 0;
        double[] x = new double[1];
        for (int i = 0; i < GRID; i++) {
            x[0] = c - rho + 2 * rho * i / (GRID - 1);
            double v = h.at(x);
            if (v > best) {
                best = v;
                bestI = i;
            }
        }
        double step = 2 * rho / (GRID - 1);
        double lo = Math.max(c - rho, c - rho + (bestI - 1) * step);
        double hi = Math.min(c + rho, c - rho + (bestI + 1) * step);
        // golden-section refinement inside the bracketing grid cells
        double g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo);
        double b = lo + g * (hi - lo);
        for (int it = 0; it < 60; it++) {
            if (value1(h, a) > value1(h, b)) {
                hi = b;
                b = a;
                a = hi - g * (hi - lo);
            } else {
                lo = a;
                a = b;
                b = lo + g * (hi - lo);
            }
        }
        double mid = 0.5 * (lo + hi);
        double gridBest = c - rho + bestI * step;
        return new double[] {value1(h, mid) >= best ? mid : gridBest};
    }

    private static double value1(Scalar h, double x) {
        return h.at(new double[] {x});
    }

    private static double[] argmaxND(Scalar h, Vector grad, double[] theta, double rho) {
        int d = theta.length;
        SplittableRandom rnd = new SplittableRandom(0x5eed ^ d);
        double[] best = theta.clone();
        double bestV = h.at(best);
        int starts = 1 + 2 * d + RANDOM_STARTS;
        for (int s = 0; s < starts; s++) {
            double[] eps = new double[d];
            if (s >= 1 && s <= 2 * d) {
                eps[(s - 1) / 2] = (s % 2 == 1 ? rho : -rho);
            } else if (s > 2 * d) {
                double n = 0;
                for (int i = 0; i < d; i++) {
                    eps[i] = gaussian(rnd);
                    n += eps[i] * eps[i];
                }
                double radius = rho * Math.pow(rnd.nextDouble(), 1.0 / d) / Math.sqrt(n);
                for (int i = 0; i < d; i++) {
                    eps[i] *= radius;
                }
            }
            double[] x = ascend(h, grad, theta, eps, rho);
            double v = h.at(x);
            if (v > bestV) {
                bestV = v;
                best = x;
            }
        }
        return best;
    }

    /** Projected gradient ascent from θ + ε with backtracking on the step. */
    private static double[] ascend(Scalar h, Vector grad, double[] theta, double[] eps0, double rho) {
        int d = theta.length;
        double[] eps = eps0.clone();
        double[] x = add(theta, eps);
        double v = h.at(x);
        double step = rho;
        for (int it = 0; it < ASCENT_STEPS && step > 1e-12 * rho; it++) {
            double[] g = grad.at(x);
            double gn = Math.sqrt(normSq(g));
            if (gn == 0) {
                break;
            }
            double[] cand = new double[d];
            for (int i = 0; i < d; i++) {
                cand[i] = eps[i] + step * g[i] / gn;
            }
            project(cand, rho);
            double[] xc = add(theta, cand);
            double vc = h.at(xc);
            if (vc > v) {
                eps = cand;
                x = xc;
                v = vc;
                step *= 1.5;
            } else {
                step *= 0.5;
            }
        }
        return x;
    }

    private static double[] gradNormSqGradient(VectorFunction f, double[] x) {
        // ∇‖∇L‖² = 2·H·∇L, with H·v by a central difference of gradients
        double[] g = f.gradient(x);
        double gn = Math.sqrt(normSq(g));
        if (gn == 0) {
            return g;
        }
        double[] out = FiniteDifferenceHvp.central(f, x, g, gn, 1e-5);
        for (int i = 0; i < out.length; i++) {
            out[i] *= 2;
        }
        return out;
    }

    private static void project(double[] eps, double rho) {
        double n = Math.sqrt(normSq(eps));
        if (n > rho) {
            for (int i = 0; i < eps.length; i++) {
                eps[i] *= rho / n;
            }
        }
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    private static double normSq(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
