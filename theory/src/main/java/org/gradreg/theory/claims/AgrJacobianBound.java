package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.transform.Agr;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.properties.AgrJacobianProperty;
import org.gradreg.theory.Verdict;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AGR paper, Theorem 4.1 (second inequality), read as: the spectral norm of the Jacobian of
 * w ↦ Ψ(∇L(w)) is at most the spectral norm of the Hessian ∇²L(w).
 */
public final class AgrJacobianBound extends BaseClaim {

    static final int CASES = 300;
    /** A case violates the bound when ‖J‖₂ exceeds ‖H‖₂ by more than this relative margin (finite differences). */
    public static final double VIOLATION = 1e-6;

    public AgrJacobianBound() {
        super("agr.thm4.1-jacobian", "agr-adaptive-gradient-regularization", "Theorem 4.1, second inequality (eq. 4)",
                "‖∇_w Ψ(∇_w L)‖₂ ≤ ‖∇²_w L‖₂: the AGR-transformed gradient is no less smooth than the gradient.",
                "300 seeded random smooth functions in 2-6 dimensions at random points (one tensor): Jacobian of w ↦ Ψ(∇L(w)) by "
                        + "central differences (h = 1e-6) of optim's Agr operator, spectral norms of it and of the exact Hessian by EJML SVD. "
                        + "The counterexample is jqwik's: the same bound on L = ½‖w‖² as a jqwik property over w ∈ [−1, 1]² (200 seeded "
                        + "tries), run through jqwik's engine, and the sample jqwik shrank is reported.");
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

    /**
     * The counterexample jqwik shrinks on L = ½‖w‖²: the property {@code AgrJacobianProperty} run
     * through jqwik's engine (200 seeded tries over w ∈ [−1, 1]², full shrinking).
     */
    public static JqwikShrinking.Result jqwikCounterexample() {
        return JqwikShrinking.run(AgrJacobianProperty.class, "jacobianNormIsAtMostTheHessianNorm");
    }

    /**
     * ‖J‖₂/‖H‖₂ for L(w) = ½‖w‖² (H = I, so ‖H‖₂ = 1, and ∇L(w) = w): the spectral norm of the
     * Jacobian of w ↦ Ψ(w), central differences (h = 1e-7) of optim's Agr operator.
     */
    public static double identityHessianRatio(double[] w) {
        int d = w.length;
        Agr psi = new Agr(1);
        SimpleMatrix j = new SimpleMatrix(d, d);
        double h = 1e-7;
        for (int c = 0; c < d; c++) {
            double[] p = w.clone();
            double[] m = w.clone();
            p[c] += h;
            m[c] -= h;
            double[] fp = psi.apply(Nd4j.createFromArray(p)).toDoubleVector();
            double[] fm = psi.apply(Nd4j.createFromArray(m)).toDoubleVector();
            for (int r = 0; r < d; r++) {
                j.set(r, c, (fp[r] - fm[r]) / (2 * h));
            }
        }
        return spectralNorm(j);
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
            if (q > 1 + VIOLATION) {
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
        ev.put("smallest random-function case", String.format(Locale.ROOT,
                "RandomSmoothFunction(seed=%d, d=%d, terms=3, curvature=1) at RandomSmoothFunction.point(%d, %d): ‖J‖₂/‖H‖₂ = %.4f",
                smallestSeed, smallestViolatingDim, smallestSeed, smallestViolatingDim, ratio(smallestSeed)));
        JqwikShrinking.Result j = jqwikCounterexample();
        ev.put("jqwik on L = ½‖w‖², w ∈ [−1, 1]²: tries", j.tries());
        if (j.shrunk().isEmpty()) {
            ev.put("jqwik", "no falsifying sample in 200 tries");
            return new Outcome(Verdict.FAILS, ev, (String) ev.get("smallest random-function case"));
        }
        double[] w = {(Double) j.shrunk().get().get(0), (Double) j.shrunk().get().get(1)};
        ev.put("jqwik original sample", j.original().map(org.gradreg.theory.ClaimsLedger::render).orElse("none"));
        ev.put("jqwik shrinking steps", j.shrinkingSteps());
        return new Outcome(Verdict.FAILS, ev, String.format(Locale.ROOT,
                "L(w) = ½‖w‖² (Hessian I, ‖H‖₂ = 1) at w = (%s, %s): ‖∇_w Ψ(∇_w L)‖₂ = %.4f > 1 (the sample jqwik shrank)",
                w[0], w[1], identityHessianRatio(w)));
    }
}
