package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.theory.Verdict;

/**
 * GNR paper, Theorem 2.3 (eq. 9; Proposition B.1): with η_t = η₀/√t and ρ_t = ρ₀/√t, Algorithm 1
 * reaches (1/T)Σ_{t≤T} E‖∇L(θ_t)‖² ≤ (C₁ + C₂ log T)/√T. The bound has free constants, so what can
 * be measured is the rate: on a stochastic smooth problem the running average must decay like
 * T^{−1/2} up to the log factor, i.e. with a log-log slope of at most −1/2 + 1/ln T (the slope of
 * log T/√T) over the last decade of T.
 */
public final class GnrConvergenceRate extends BaseClaim {

    static final int D = 5;
    static final int T_MAX = 6000;
    static final int RUNS = 3;
    static final double ETA0 = 0.5;
    static final double RHO0 = 0.1;
    static final double ALPHA = 0.5;
    static final double NOISE = 1.0;
    static final int[] REPORT = {30, 100, 300, 600, 1000, 2000, 3000, 6000};
    /** Allowance on top of the slope of log T/√T for the Monte Carlo noise of a few runs. */
    static final double SLACK = 0.05;

    public GnrConvergenceRate() {
        super("gnr.thm2.3-rate", "gnr-gradient-norm-regularizer", "Theorem 2.3 (eq. 9), Proposition B.1",
                "With η_t = η₀/√t and ρ_t = ρ₀/√t, Algorithm 1 (SGD with GNR) reaches (1/T)Σ E‖∇L(θ_t)‖² ≤ (C₁ + C₂ log T)/√T.",
                "optim's Sgd with η_t = 0.5/√t and the Gnr estimator (ρ_t = 0.1/√t, α = 0.5) on L(θ) = ½θᵀAθ − bᵀθ + Σⱼ sⱼ sin(wⱼᵀθ + φⱼ) "
                        + "(d = 5, A positive definite, seeded), with bounded noise: each step's batch loss is L(θ) + ξ_tᵀθ, ξ_t uniform in "
                        + "[−1, 1]^d (unbiased, bounded observations, as the theorem assumes). The running average of ‖∇L(θ_t)‖² over "
                        + "3 seeded runs up to T = 6000; the least-squares log-log slope over T ∈ [600, 6000] must be at most "
                        + "−1/2 + 1/ln T̄ + 0.05 (1/ln T̄ is the slope log T adds to 1/√T at the decade's geometric mean T̄); "
                        + "C₁, C₂ fitted to √T·avg(T) = C₁ + C₂ ln T by least squares are reported, and the slope of the mean of "
                        + "‖∇L(θ_t)‖² over the last half of each T, which the early transient does not dominate.");
    }

    /** The seeded smooth problem (value, gradient) in plain doubles. */
    static final class Problem {
        final double[][] a = new double[D][D];
        final double[] b = new double[D];
        final double[][] w = new double[3][D];
        final double[] s = new double[3];
        final double[] phase = new double[3];

        Problem(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            double[][] m = new double[D][D];
            for (double[] row : m) {
                for (int j = 0; j < D; j++) {
                    row[j] = r.nextDouble(-1, 1);
                }
            }
            for (int i = 0; i < D; i++) {
                b[i] = r.nextDouble(-1, 1);
                for (int j = 0; j < D; j++) {
                    for (int k = 0; k < D; k++) {
                        a[i][j] += m[k][i] * m[k][j] / D;
                    }
                }
                a[i][i] += 0.2;
            }
            for (int k = 0; k < 3; k++) {
                s[k] = r.nextDouble(-0.3, 0.3);
                phase[k] = r.nextDouble(0, 2 * Math.PI);
                for (int i = 0; i < D; i++) {
                    w[k][i] = r.nextDouble(-1, 1);
                }
            }
        }

        double value(double[] t) {
            double v = 0;
            for (int i = 0; i < D; i++) {
                v -= b[i] * t[i];
                for (int j = 0; j < D; j++) {
                    v += 0.5 * t[i] * a[i][j] * t[j];
                }
            }
            for (int k = 0; k < 3; k++) {
                v += s[k] * Math.sin(arg(k, t));
            }
            return v;
        }

        double[] gradient(double[] t) {
            double[] g = new double[D];
            for (int i = 0; i < D; i++) {
                g[i] = -b[i];
                for (int j = 0; j < D; j++) {
                    g[i] += a[i][j] * t[j];
                }
            }
            for (int k = 0; k < 3; k++) {
                double c = s[k] * Math.cos(arg(k, t));
                for (int i = 0; i < D; i++) {
                    g[i] += c * w[k][i];
                }
            }
            return g;
        }

        private double arg(int k, double[] t) {
            double x = phase[k];
            for (int i = 0; i < D; i++) {
                x += w[k][i] * t[i];
            }
            return x;
        }
    }

    /** The running averages (1/T)Σ_{t≤T}‖∇L(θ_t)‖² for T = 1..tMax of one seeded run. */
    public static double[] runningAverage(long seed, int tMax) {
        Problem p = new Problem(7);
        double[] xi = new double[D];
        VectorFunction batch = VectorFunction.of(t -> {
            double v = p.value(t);
            for (int i = 0; i < D; i++) {
                v += xi[i] * t[i];
            }
            return v;
        }, t -> {
            double[] g = p.gradient(t);
            for (int i = 0; i < D; i++) {
                g[i] += xi[i];
            }
            return g;
        });
        SplittableRandom noise = new SplittableRandom(seed);
        double[] theta0 = new double[D];
        for (int i = 0; i < D; i++) {
            theta0[i] = noise.nextDouble(-2, 2);
        }
        FunctionOracle o = FunctionOracle.of(batch, theta0);
        Optimizer opt = Optimizer.of(Sgd.of(step -> ETA0 / Math.sqrt(step + 1)))
                .estimator(Gnr.of(step -> RHO0 / Math.sqrt(step + 1), step -> ALPHA));
        double[] avg = new double[tMax + 1];
        double sum = 0;
        for (int t = 1; t <= tMax; t++) {
            double[] g = p.gradient(o.theta());
            double n = norm(g);
            sum += n * n;
            avg[t] = sum / t;
            for (int i = 0; i < D; i++) {
                xi[i] = noise.nextDouble(-NOISE, NOISE);
            }
            opt.step(o);
        }
        return avg;
    }

    /** The runs' mean of the running averages, index T = 1..T_MAX. */
    static double[] meanRunningAverage() {
        double[] mean = new double[T_MAX + 1];
        for (int r = 0; r < RUNS; r++) {
            double[] a = runningAverage(300 + r, T_MAX);
            for (int t = 1; t <= T_MAX; t++) {
                mean[t] += a[t] / RUNS;
            }
        }
        return mean;
    }

    /** Least-squares slope of ln avg(T) against ln T over T ∈ [from, to]. */
    static double slope(double[] avg, int from, int to) {
        SimpleRegression reg = new SimpleRegression();
        for (int t = from; t <= to; t = Math.max(t + 1, (int) Math.round(t * 1.05))) {
            reg.addData(Math.log(t), Math.log(avg[t]));
        }
        return reg.getSlope();
    }

    @Override
    public Outcome check() {
        double[] avg = meanRunningAverage();
        int from = T_MAX / 10;
        double slope = slope(avg, from, T_MAX);
        double limit = -0.5 + 1 / Math.log(Math.sqrt((double) from * T_MAX)) + SLACK;
        SimpleRegression fit = new SimpleRegression();
        for (int t = 30; t <= T_MAX; t = Math.max(t + 1, (int) Math.round(t * 1.05))) {
            fit.addData(Math.log(t), Math.sqrt(t) * avg[t]);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        for (int t : REPORT) {
            ev.put(String.format(Locale.ROOT, "avg ‖∇L‖² up to T = %d", t), String.format(Locale.ROOT, "%.4g (√T·avg = %.4g)",
                    avg[t], Math.sqrt(t) * avg[t]));
        }
        ev.put("log-log slope over T ∈ [" + from + ", " + T_MAX + "]", slope);
        ev.put("largest slope allowed (−1/2 + 1/ln T̄ + slack)", limit);
        ev.put("log-log slope over T ∈ [30, 300]", slope(avg, 30, 300));
        ev.put("fit √T·avg = C₁ + C₂ ln T over T ∈ [30, 6000]: C₁", fit.getIntercept());
        ev.put("C₂", fit.getSlope());
        ev.put("R² of that fit", fit.getRSquare());
        // the last-half mean (1/(T/2))Σ_{T/2<t≤T}‖∇L(θ_t)‖², free of the early transient that dominates the running average
        SimpleRegression tail = new SimpleRegression();
        for (int t = from; t <= T_MAX; t = Math.max(t + 2, (int) Math.round(t * 1.05))) {
            int h = t / 2;
            tail.addData(Math.log(t), Math.log((t * avg[t] - h * avg[h]) / (t - h)));
        }
        ev.put("log-log slope of the last-half mean of ‖∇L(θ_t)‖² over T ∈ [" + from + ", " + T_MAX + "]", tail.getSlope());
        if (slope <= limit) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        return new Outcome(Verdict.FAILS, ev, String.format(Locale.ROOT,
                "the running average decays with slope %.3f over T ∈ [%d, %d], slower than (C₁ + C₂ log T)/√T allows (%.3f)",
                slope, from, T_MAX, limit));
    }
}
