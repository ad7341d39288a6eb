package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.transform.Agr;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AGR paper, Theorem 4.1 (second inequality), read as: the spectral norm of the Jacobian of
 * w ↦ Ψ(∇L(w)) is at most the spectral norm of the Hessian ∇²L(w).
 */
public final class AgrJacobianBound extends BaseClaim {

    static final int CASES = 300;

    public AgrJacobianBound() {
        super("agr.thm4.1-jacobian", "agr-adaptive-gradient-regularization", "Theorem 4.1, second inequality (eq. 4)",
                "‖∇_w Ψ(∇_w L)‖₂ ≤ ‖∇²_w L‖₂: the AGR-transformed gradient is no less smooth than the gradient.",
                "300 seeded random smooth functions in 2-6 dimensions at random points (one tensor): Jacobian of w ↦ Ψ(∇L(w)) by "
                        + "central differences (h = 1e-6) of optim's Agr operator, spectral norms of it and of the exact Hessian by EJML SVD.");
    }

    /** ‖J_Ψ∘∇L‖₂ / ‖H‖₂ for case {@code seed}. */
    public static double ratio(long seed) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] w = RandomSmoothFunction.point(seed, d);
        Agr psi = new Agr(1);
        SimpleMatrix j = new SimpleMatrix(d, d);
        double h = 1e-6;
        for (int c = 0; c < d; c++) {
            double[] p = w.clone();
            double[] m = w.clone();
            p[c] += h;
            m[c] -= h;
            double[] fp = psi.apply(Nd4j.createFromArray(f.gradient(p))).toDoubleVector();
            double[] fm = psi.apply(Nd4j.createFromArray(f.gradient(m))).toDoubleVector();
            for (int r = 0; r < d; r++) {
                j.set(r, c, (fp[r] - fm[r]) / (2 * h));
            }
        }
        return spectralNorm(j) / spectralNorm(f.hessian(w));
    }

    static double spectralNorm(SimpleMatrix m) {
        double[] sv = m.svd(true).getSingularValues();
        double max = 0;
        for (double s : sv) {
            max = Math.max(max, s);
        }
        return max;
    }

    @Override
    public Outcome check() {
        double worst = 0;
        long worstSeed = -1;
        int violations = 0;
        int smallestViolatingDim = Integer.MAX_VALUE;
        long smallestSeed = -1;
        for (long s = 0; s < CASES; s++) {
            double q = ratio(s);
            if (q > 1 + 1e-6) {
                violations++;
                int d = 2 + (int) (s % 5);
                if (d < smallestViolatingDim) {
                    smallestViolatingDim = d;
                    smallestSeed = s;
                }
            }
            if (q > worst) {
                worst = q;
                worstSeed = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES);
        ev.put("cases with ‖J‖₂ > ‖H‖₂", violations);
        ev.put("largest ratio ‖J‖₂/‖H‖₂", worst);
        ev.put("at seed", worstSeed);
        if (violations == 0) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        return new Outcome(Verdict.FAILS, ev, String.format(Locale.ROOT,
                "RandomSmoothFunction(seed=%d, d=%d, terms=3, curvature=1) at RandomSmoothFunction.point(%d, %d): ‖J‖₂/‖H‖₂ = %.4f",
                smallestSeed, smallestViolatingDim, smallestSeed, smallestViolatingDim, ratio(smallestSeed)));
    }
}
