package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.theory.RandomSmoothFunction;
import java.util.List;
import java.util.Locale;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Penalizing-gradient-norm paper, eqs. 8-10: the finite-difference GR gradient tends to
 * ∇(L + λ‖∇L‖) with an error O(r). Uses optim's {@link GradientRegularization} unchanged.
 */
public final class GrFiniteDifferenceLimit extends BaseClaim {

    static final double[] R = {0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125, 0.0015625, 7.8125e-4, 3.90625e-4, 1.953125e-4};
    static final double LAMBDA = 0.01;
    /** λ is free in the paper: swept over four decades (λ = 0.01 through optim's GradientRegularization, the others in plain doubles). */
    static final double[] LAMBDAS = {0.001, 0.01, 0.1, 1.0};
    static final int FUNCTIONS = 30;
    /**
     * O(r) is asymptotic, so the verdict uses the local order log₂(err(2r)/err(r)) between the two
     * smallest radii, which must lie in [1 − ORDER_TOLERANCE, 1 + ORDER_TOLERANCE].
     */
    static final double ORDER_TOLERANCE = 0.1;

    public GrFiniteDifferenceLimit() {
        super("gr.eq8-10-limit", "gr-penalizing-gradient-norm", "eqs. 8-10",
                "With α = λ/r, g = (1 − α)∇L(θ) + α∇L(θ + r∇L/‖∇L‖) approximates ∇(L + λ‖∇L‖) = ∇L + λH∇L/‖∇L‖ with error O(r).",
                "Eq. 10 with λ ∈ {0.001, 0.01, 0.1, 1} (λ = 0.01 through optim's GradientRegularization.ofLambda, the others written out in "
                        + "plain doubles) on 30 seeded random smooth functions (2-6 dimensions) for r = 0.1 … 1.95e-4 (halving); error against "
                        + "the exact gradient of the penalized loss; an order: the local order log₂(err(2r)/err(r)) at the two smallest r "
                        + "must be within 1 ± 0.1 (margin 0.1 − |order − 1|, resolution 0); the least-squares slope over all r is reported.");
    }

    /** Errors ‖g_GR(r) − ∇(L + λ‖∇L‖)‖∞ for each r in {@link #R}, for function {@code seed}. */
    public static double[] errors(long seed) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] x = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(x);
        double[] hg = f.hessianTimes(x, g);
        double n = norm(g);
        double[] exact = new double[d];
        for (int i = 0; i < d; i++) {
            exact[i] = g[i] + LAMBDA * hg[i] / n;
        }
        double[] err = new double[R.length];
        for (int k = 0; k < R.length; k++) {
            FunctionOracle o = FunctionOracle.of(f, x);
            double[] est = GradientRegularization.ofLambda(R[k], LAMBDA).estimate(o, 0).gradient().get("theta").toDoubleVector();
            err[k] = maxAbsDiff(est, exact);
        }
        return err;
    }

    /** Least-squares slope of log(err) against log(r). */
    public static double slope(double[] err) {
        double mx = 0;
        double my = 0;
        for (int k = 0; k < R.length; k++) {
            mx += Math.log(R[k]) / R.length;
            my += Math.log(err[k]) / R.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int k = 0; k < R.length; k++) {
            double dx = Math.log(R[k]) - mx;
            sxy += dx * (Math.log(err[k]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    /** log₂(err(2r)/err(r)) between the two smallest radii. */
    public static double localOrder(double[] err) {
        return Math.log(err[R.length - 2] / err[R.length - 1]) / Math.log(2);
    }

    /** The same errors from eq. 10 written out in plain doubles, for penalty λ (the sweep over λ). */
    public static double[] errorsPlain(long seed, double lambda) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] x = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(x);
        double[] hg = f.hessianTimes(x, g);
        double n = norm(g);
        double[] err = new double[R.length];
        for (int k = 0; k < R.length; k++) {
            double r = R[k];
            double[] p = x.clone();
            for (int i = 0; i < d; i++) {
                p[i] += r * g[i] / n;
            }
            double[] g2 = f.gradient(p);
            double e = 0;
            for (int i = 0; i < d; i++) {
                double est = (1 - lambda / r) * g[i] + lambda / r * g2[i];
                e = Math.max(e, Math.abs(est - (g[i] + lambda * hg[i] / n)));
            }
            err[k] = e;
        }
        return err;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double minSlope = Double.POSITIVE_INFINITY;
        double maxSlope = Double.NEGATIVE_INFINITY;
        double minLocal = Double.POSITIVE_INFINITY;
        double maxLocal = Double.NEGATIVE_INFINITY;
        double largestErrorAtSmallestR = 0;
        double optimVsPlain = 0;
        for (double lambda : LAMBDAS) {
            for (long s = 0; s < FUNCTIONS; s++) {
                double[] err = lambda == LAMBDA ? errors(s) : errorsPlain(s, lambda);
                if (lambda == LAMBDA) {
                    double[] plain = errorsPlain(s, lambda);
                    optimVsPlain = Math.max(optimVsPlain, Math.abs(err[0] - plain[0]) / plain[0]);
                }
                double sl = slope(err);
                minSlope = Math.min(minSlope, sl);
                maxSlope = Math.max(maxSlope, sl);
                largestErrorAtSmallestR = Math.max(largestErrorAtSmallestR, err[R.length - 1] / lambda);
                double local = localOrder(err);
                minLocal = Math.min(minLocal, local);
                maxLocal = Math.max(maxLocal, local);
                cases.add(Case.of(String.format(Locale.ROOT, "λ = %s, function seed %d: local order %.4f", lambda, s, local),
                        ORDER_TOLERANCE - Math.abs(local - 1), 0));
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("functions per λ", FUNCTIONS);
        ev.put("lambda values", LAMBDAS);
        ev.put("r values", R);
        ev.put("local order at the smallest r, min and max", new double[] {minLocal, maxLocal});
        ev.put("least-squares order over all r, min and max", new double[] {minSlope, maxSlope});
        ev.put("largest error/λ at the smallest r", largestErrorAtSmallestR);
        ev.put("optim's GradientRegularization vs eq. 10 in plain doubles (λ = 0.01, r = 0.1), largest relative difference of the errors",
                optimVsPlain);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }
}
