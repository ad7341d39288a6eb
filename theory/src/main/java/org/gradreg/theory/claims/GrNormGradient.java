package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;

/** Penalizing-gradient-norm paper, eq. 6 (and eqs. 13-16): ∇‖∇L‖ = H∇L/‖∇L‖. */
public final class GrNormGradient extends BaseClaim {

    /** Relative error below which the identity counts as holding (central differences, h = 1e-5). */
    static final double TOLERANCE = 1e-6;
    static final int FUNCTIONS = 40;

    public GrNormGradient() {
        super("gr.eq6-norm-gradient", "gr-penalizing-gradient-norm", "eq. 6",
                "The gradient of the gradient norm is ∇‖∇L‖₂ = H·∇L/‖∇L‖₂.",
                "40 seeded random smooth functions ½xᵀAx + Σ aⱼ sin(wⱼᵀx + bⱼ) in 2-6 dimensions at random points: "
                        + "central differences (h = 1e-5) of x ↦ ‖∇L(x)‖ against H∇L/‖∇L‖ with the exact Hessian.");
    }

    /** Max relative error of the identity for function {@code seed}. */
    public static double relativeError(long seed) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] x = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(x);
        double[] rhs = f.hessianTimes(x, g);
        double n = norm(g);
        double[] fd = new double[d];
        double h = 1e-5;
        for (int i = 0; i < d; i++) {
            double[] p = x.clone();
            double[] m = x.clone();
            p[i] += h;
            m[i] -= h;
            fd[i] = (norm(f.gradient(p)) - norm(f.gradient(m))) / (2 * h);
            rhs[i] /= n;
        }
        return maxAbsDiff(fd, rhs) / Math.max(norm(rhs), 1e-12);
    }

    @Override
    public Outcome check() {
        double worst = 0;
        long worstSeed = -1;
        for (long s = 0; s < FUNCTIONS; s++) {
            double e = relativeError(s);
            if (e > worst) {
                worst = e;
                worstSeed = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("functions", FUNCTIONS);
        ev.put("max relative error", worst);
        ev.put("worst function seed", worstSeed);
        ev.put("tolerance", TOLERANCE);
        return worst < TOLERANCE ? Outcome.of(Verdict.HOLDS, ev)
                : new Outcome(Verdict.FAILS, ev, "function seed " + worstSeed + ": relative error " + worst);
    }
}
