package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.transform.Agr;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.properties.AgrJacobianProperty;
import java.util.List;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AGR paper, Theorem 4.1 (second inequality), read as: the spectral norm of the Jacobian of
 * w ↦ Ψ(∇L(w)) is at most the spectral norm of the Hessian ∇²L(w).
 */
public final class AgrJacobianBound extends BaseClaim {

    static final int CASES = 300;
    static final int[] DIMS = {2, 4, 8, 16, 64, 256};
    /** Random instances per dimension (fewer where an SVD of a d × d matrix is dear). */
    static int randomPerDim(int d) {
        return d <= 16 ? 50 : d <= 64 ? 20 : 6;
    }
    static final int SEARCH_STEPS = 300;
    /** The resolution of ‖J‖₂/‖H‖₂ (central differences of Ψ with a relative step 1e-7): a case violates above 1 + this. */
    public static final double VIOLATION = 1e-6;

    public AgrJacobianBound() {
        super("agr.thm4.1-jacobian", "agr-adaptive-gradient-regularization", "Theorem 4.1, second inequality (eq. 4)",
                "‖∇_w Ψ(∇_w L)‖₂ ≤ ‖∇²_w L‖₂: the AGR-transformed gradient is no less smooth than the gradient.",
                "The Jacobian of w ↦ Ψ(∇L(w)) is DΨ(∇L)·H; DΨ by central differences (relative step 1e-7) of eqs. 1-2 in plain doubles "
                        + "(optim's Agr gives the same Ψ), spectral norms by EJML SVD; margin 1 − ‖J‖₂/‖H‖₂, resolution 1e-6. Random instances: "
                        + "300 seeded random smooth functions in 2-6 dimensions; and for d ∈ {2, 4, 8, 16, 64, 256}, convex quadratics ½wᵀHw "
                        + "(H = BᵀB/d + 0.1I, B and w standard normal: the proof's eq. A7 assumes convexity) and points w ~ N(0, I) on ½‖w‖², "
                        + "50 each for d ≤ 16, 20 for d = 64, 6 for d = 256. Adversarial: w = (1e-6, …, 1e-6, 1) on ½‖w‖² (the supremum of ‖DΨ‖₂ is √d, approached as the small "
                        + "entries → 0), and a random-restart hill climb on w for d ≤ 16. The counterexample is jqwik's: the bound on "
                        + "L = ½‖w‖² as a property over w ∈ [−1, 1]² (200 seeded tries), shrunk.");
    }

    /**
     * ‖J_Ψ∘∇L‖₂ / ‖H‖₂ for random smooth function {@code seed}: the Jacobian of w ↦ Ψ(∇L(w)) is
     * DΨ(∇L)·H, DΨ by central differences of eqs. 1-2 in plain doubles.
     */
    public static double ratio(long seed) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] w = RandomSmoothFunction.point(seed, d);
        SimpleMatrix h = f.hessian(w);
        return spectralNorm(AgrPsi.jacobian(f.gradient(w), 1e-7).mult(h)) / spectralNorm(h);
    }

    /** ‖DΨ(Hw)·H‖₂/‖H‖₂ for L = ½wᵀHw. */
    static double quadraticRatio(SimpleMatrix h, double[] w) {
        double[] g = GnrQuadraticSharpness.times(h, w);
        return spectralNorm(AgrPsi.jacobian(g, 1e-7).mult(h)) / spectralNorm(h);
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
        return AgrPsi.spectralNorm(m);
    }

    /** The largest ratio a random-restart hill climb on g finds for H = I in d dimensions. */
    static double search(int d, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double best = 0;
        for (int restart = 0; restart < 3; restart++) {
            double[] g = r.doubles(d, -1, 1).toArray();
            double v = AgrPsi.spectralNorm(AgrPsi.jacobian(g, 1e-7));
            for (int it = 0; it < SEARCH_STEPS; it++) {
                double[] c = g.clone();
                int i = r.nextInt(d);
                c[i] *= Math.exp(r.nextGaussian());
                if (r.nextDouble() < 0.1) {
                    c[i] = -c[i];
                }
                double vc = AgrPsi.spectralNorm(AgrPsi.jacobian(c, 1e-7));
                if (vc > v) {
                    g = c;
                    v = vc;
                }
            }
            best = Math.max(best, v);
        }
        return best;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        int violations = 0;
        double worst = 0;
        long worstSeed = -1;
        double optimVsPlain = 0;
        for (long s = 0; s < CASES; s++) {
            double q = ratio(s);
            cases.add(Case.of("random smooth function, seed " + s + " (d = " + (2 + s % 5) + ")", 1 - q, VIOLATION));
            violations += q > 1 + VIOLATION ? 1 : 0;
            if (q > worst) {
                worst = q;
                worstSeed = s;
            }
            int d = 2 + (int) (s % 5);
            double[] g = new RandomSmoothFunction(s, d, 3, 1.0).gradient(RandomSmoothFunction.point(s, d));
            optimVsPlain = Math.max(optimVsPlain, maxAbsDiff(new Agr(1).apply(Nd4j.createFromArray(g)).toDoubleVector(), AgrPsi.psi(g)));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("random smooth functions (2-6 dimensions): violating, largest ratio (seed)", violations + " of " + CASES + ", "
                + String.format(Locale.ROOT, "%.4f (%d)", worst, worstSeed));
        ev.put("optim's Agr vs eqs. 1-2 in plain doubles on those gradients, largest difference", optimVsPlain);
        for (int d : DIMS) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(9000 + d);
            int convexViolations = 0;
            int isotropicViolations = 0;
            double convexWorst = 0;
            double isotropicWorst = 0;
            for (int k = 0; k < randomPerDim(d); k++) {
                SimpleMatrix b = new SimpleMatrix(d, d);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        b.set(i, j, r.nextGaussian());
                    }
                }
                SimpleMatrix h = b.transpose().mult(b).scale(1.0 / d).plus(SimpleMatrix.identity(d).scale(0.1));
                double[] w = new double[d];
                for (int i = 0; i < d; i++) {
                    w[i] = r.nextGaussian();
                }
                double q = quadraticRatio(h, w);
                convexWorst = Math.max(convexWorst, q);
                convexViolations += q > 1 + VIOLATION ? 1 : 0;
                cases.add(Case.of(String.format(Locale.ROOT, "convex quadratic, d = %d, instance %d", d, k), 1 - q, VIOLATION));
                double[] g = new double[d];
                for (int i = 0; i < d; i++) {
                    g[i] = r.nextGaussian();
                }
                double qi = AgrPsi.spectralNorm(AgrPsi.jacobian(g, 1e-7));
                isotropicWorst = Math.max(isotropicWorst, qi);
                isotropicViolations += qi > 1 + VIOLATION ? 1 : 0;
                cases.add(Case.of(String.format(Locale.ROOT, "½‖w‖², w ~ N(0, I), d = %d, instance %d", d, k), 1 - qi, VIOLATION));
            }
            double[] g = new double[d];
            java.util.Arrays.fill(g, 1e-6);
            g[d - 1] = 1;
            double adversarial = AgrPsi.spectralNorm(AgrPsi.jacobian(g, 1e-9));
            cases.add(Case.of(String.format(Locale.ROOT, "½‖w‖² at w = (1e-6, …, 1e-6, 1), d = %d", d), 1 - adversarial, VIOLATION));
            String searched = "";
            if (d <= 16) {
                double found = search(d, d);
                cases.add(Case.of(String.format(Locale.ROOT, "½‖w‖², hill climb on w, d = %d", d), 1 - found, VIOLATION));
                searched = String.format(Locale.ROOT, "; hill climb %.4f", found);
            }
            ev.put("d = " + d, String.format(Locale.ROOT, "convex quadratics (H = BᵀB/d + 0.1I, w ~ N(0, I)): %d of %d violate, largest %.4f; "
                    + "½‖w‖² with w ~ N(0, I): %d of %d violate, largest %.4f; adversarial w = (1e-6, …, 1, …): %.4f (√d = %.4f)%s", convexViolations,
                    randomPerDim(d), convexWorst, isotropicViolations, randomPerDim(d), isotropicWorst, adversarial, Math.sqrt(d), searched));
        }
        VerdictRule.Judgement j = VerdictRule.judge(VerdictRule.Kind.EXACT, cases);
        if (j.verdict() != org.gradreg.theory.Verdict.FAILS) {
            return VerdictRule.outcome(j, ev);
        }
        JqwikShrinking.Result jq = jqwikCounterexample();
        ev.put("jqwik on L = ½‖w‖², w ∈ [−1, 1]²: tries, original sample, shrinking steps", jq.tries() + ", "
                + jq.original().map(org.gradreg.theory.ClaimsLedger::render).orElse("none") + ", " + jq.shrinkingSteps());
        String counter = jq.shrunk().map(x -> {
            double[] w = {(Double) x.get(0), (Double) x.get(1)};
            return String.format(Locale.ROOT, "L(w) = ½‖w‖² (Hessian I, ‖H‖₂ = 1) at w = (%s, %s): ‖∇_w Ψ(∇_w L)‖₂ = %.4f > 1 (the sample jqwik "
                    + "shrank); the supremum over w in d dimensions is √d (w = (a, …, a, 1), a → 0)", w[0], w[1], identityHessianRatio(w));
        }).orElse(null);
        return VerdictRule.outcome(j, ev, counter);
    }
}
