package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;

/**
 * Penalizing-gradient-norm paper, eqs. 8-10: the finite-difference GR gradient tends to
 * ∇(L + λ‖∇L‖) with an error O(r). Uses optim's {@link GradientRegularization} unchanged.
 */
public final class GrFiniteDifferenceLimit extends BaseClaim {

    static final double[] R = {0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125, 0.0015625, 7.8125e-4, 3.90625e-4, 1.953125e-4};
    static final double LAMBDA = 0.01;
    static final int FUNCTIONS = 30;
    /**
     * O(r) is asymptotic, so the verdict uses the local order log₂(err(2r)/err(r)) between the two
     * smallest radii, which must lie in [1 − ORDER_TOLERANCE, 1 + ORDER_TOLERANCE].
     */
    static final double ORDER_TOLERANCE = 0.1;

    public GrFiniteDifferenceLimit() {
        super("gr.eq8-10-limit", "gr-penalizing-gradient-norm", "eqs. 8-10",
                "With α = λ/r, g = (1 − α)∇L(θ) + α∇L(θ + r∇L/‖∇L‖) approximates ∇(L + λ‖∇L‖) = ∇L + λH∇L/‖∇L‖ with error O(r).",
                "optim's GradientRegularization.ofLambda(r, λ = 0.01) on 30 seeded random smooth functions (2-6 dimensions) for "
                        + "r = 0.1 … 1.95e-4 (halving); error against the exact gradient of the penalized loss; the local order "
                        + "log₂(err(2r)/err(r)) at the two smallest r must be within 1 ± 0.1 (the least-squares slope over all r is reported too).");
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

    @Override
    public Outcome check() {
        double minSlope = Double.POSITIVE_INFINITY;
        double maxSlope = Double.NEGATIVE_INFINITY;
        long worst = -1;
        double worstDev = -1;
        double largestErrorAtSmallestR = 0;
        double minLocal = Double.POSITIVE_INFINITY;
        double maxLocal = Double.NEGATIVE_INFINITY;
        for (long s = 0; s < FUNCTIONS; s++) {
            double[] err = errors(s);
            double sl = slope(err);
            minSlope = Math.min(minSlope, sl);
            maxSlope = Math.max(maxSlope, sl);
            largestErrorAtSmallestR = Math.max(largestErrorAtSmallestR, err[R.length - 1]);
            double local = localOrder(err);
            minLocal = Math.min(minLocal, local);
            maxLocal = Math.max(maxLocal, local);
            if (Math.abs(local - 1) > worstDev) {
                worstDev = Math.abs(local - 1);
                worst = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("functions", FUNCTIONS);
        ev.put("r values", R);
        ev.put("lambda", LAMBDA);
        ev.put("local order at the smallest r, min", minLocal);
        ev.put("local order at the smallest r, max", maxLocal);
        ev.put("least-squares order over all r, min", minSlope);
        ev.put("least-squares order over all r, max", maxSlope);
        ev.put("largest error at the smallest r", largestErrorAtSmallestR);
        ev.put("function seed furthest from order 1", worst);
        return worstDev <= ORDER_TOLERANCE ? Outcome.of(Verdict.HOLDS, ev)
                : new Outcome(Verdict.FAILS, ev, "function seed " + worst + ": local order " + localOrder(errors(worst)));
    }
}
