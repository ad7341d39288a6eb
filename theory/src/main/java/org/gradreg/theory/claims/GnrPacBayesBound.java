package org.gradreg.theory.claims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;

/**
 * GNR paper, Proposition 2.2 (eq. 3): the PAC-Bayes generalization bound in terms of R^GNR,
 * evaluated on both sides for a linear classifier with a bounded loss on a known distribution.
 */
public final class GnrPacBayesBound extends BaseClaim {

    static final int[] DIMS = {2, 8};
    static final int[] NS = {100, 400};
    static final double[] RHOS = {0.1, 1.0};
    static final int DRAWS = 2;
    static final double DELTA = 0.05;
    static final double M = 1.0;
    static final double FLIP = 0.1;
    static final int EPS_SAMPLES = 200;
    static final int GD_STEPS = 300;
    static final double GD_RATE = 2.0;

    public GnrPacBayesBound() {
        super("gnr.prop2.2-pac-bayes", Papers.GNR, "Proposition 2.2 (eq. 3), proof in Appendix B.2",
                "With probability ≥ 1 − δ over S (n samples from D), for ℓ differentiable and bounded by M: "
                        + "E_{εᵢ~N(0,σ²)} L(θ + ε) ≤ L̂(θ) + R^GNR_ρ(θ) + √((¼d log(1 + ‖θ‖²(√d + √log n)²/(dρ²)) + ¼ + log(n/δ) + "
                        + "2 log(6n + 3d))/(n − 1)) + M/√n, σ = ρ/(√d + √log n).",
                "Instantiated assumptions: x ~ N(0, I_d), y = sign(w*ᵀx) flipped with probability 0.1 (w* a seeded unit vector); "
                        + "linear model with the sigmoid loss ℓ = 1/(1 + exp(y θᵀx)) (differentiable, bounded by M = 1); δ = 0.05; θ = the "
                        + "model trained on S (300 full-batch gradient steps from 0, rate 2). Population loss L(θ) by quadrature (Simpson "
                        + "over |w*ᵀx| × 40-point Gauss-Hermite over the orthogonal part, exact up to quadrature error); the left side by "
                        + "200 seeded Gaussian draws of ε; R^GNR on L̂ by optim's Sharpness.gnr. Grid d ∈ {2, 8}, n ∈ {100, 400}, "
                        + "ρ ∈ {0.1, 1}, 2 draws of S per cell. Holds if the fraction of draws violating eq. 3 is ≤ δ in every cell; "
                        + "the evidence gives the ratio right/left (how loose) and whether the right side is below M (non-vacuous).");
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static final double[] GH_X;
    private static final double[] GH_W;

    static {
        var rule = new org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory().hermite(40);
        GH_X = new double[rule.getNumberOfPoints()];
        GH_W = new double[rule.getNumberOfPoints()];
        for (int i = 0; i < GH_X.length; i++) {
            GH_X[i] = rule.getPoint(i);
            GH_W[i] = rule.getWeight(i);
        }
    }

    /**
     * Population loss: with v = w*ᵀx and the sign flip folded in, y·θᵀx = a|v| + b z (a = θᵀw*,
     * b = ‖θ − a w*‖, z ~ N(0, 1) independent of |v|), so L = E[(1 − p)σ(−(a|v| + bz)) + pσ(a|v| + bz)].
     */
    static double population(double[] theta, double[] wStar) {
        double a = 0;
        double t2 = 0;
        for (int i = 0; i < theta.length; i++) {
            a += theta[i] * wStar[i];
            t2 += theta[i] * theta[i];
        }
        double b = Math.sqrt(Math.max(0, t2 - a * a));
        int steps = 200;
        double hi = 9;
        double h = hi / steps;
        double total = 0;
        for (int k = 0; k <= steps; k++) {
            double v = k * h;
            double density = 2 * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            double simpson = k == 0 || k == steps ? 1 : (k % 2 == 1 ? 4 : 2);
            double inner = 0;
            for (int j = 0; j < GH_X.length; j++) {
                double w = a * v + b * Math.sqrt(2) * GH_X[j];
                inner += GH_W[j] * ((1 - FLIP) * sigmoid(-w) + FLIP * sigmoid(w));
            }
            total += simpson * density * inner / Math.sqrt(Math.PI);
        }
        return total * h / 3;
    }

    /** The empirical loss on a seeded sample as a {@link VectorFunction}: rows y·x. */
    static VectorFunction empirical(double[][] yx) {
        return VectorFunction.of(th -> {
            double s = 0;
            for (double[] r : yx) {
                s += sigmoid(-dot(r, th));
            }
            return s / yx.length;
        }, th -> {
            double[] g = new double[th.length];
            for (double[] r : yx) {
                double p = sigmoid(-dot(r, th));
                double c = -p * (1 - p) / yx.length;
                for (int i = 0; i < th.length; i++) {
                    g[i] += c * r[i];
                }
            }
            return g;
        });
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** One draw: {left, right, L̂, R^GNR, complexity term, M/√n, ‖θ‖}. */
    static double[] evaluate(int d, int n, double rho, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] wStar = new double[d];
        SplittableRandom wr = new SplittableRandom(17 + d);
        for (int i = 0; i < d; i++) {
            wStar[i] = wr.nextGaussian();
        }
        double wn = norm(wStar);
        for (int i = 0; i < d; i++) {
            wStar[i] /= wn;
        }
        double[][] yx = new double[n][d];
        for (int k = 0; k < n; k++) {
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = r.nextGaussian();
            }
            double y = Math.signum(dot(wStar, x));
            if (r.nextDouble() < FLIP) {
                y = -y;
            }
            for (int i = 0; i < d; i++) {
                yx[k][i] = y * x[i];
            }
        }
        VectorFunction lhat = empirical(yx);
        double[] theta = new double[d];
        for (int s = 0; s < GD_STEPS; s++) {
            double[] g = lhat.gradient(theta);
            for (int i = 0; i < d; i++) {
                theta[i] -= GD_RATE * g[i];
            }
        }
        double logn = Math.log(n);
        double sigma = rho / (Math.sqrt(d) + Math.sqrt(logn));
        double left = 0;
        double[] p = new double[d];
        for (int k = 0; k < EPS_SAMPLES; k++) {
            for (int i = 0; i < d; i++) {
                p[i] = theta[i] + sigma * r.nextGaussian();
            }
            left += population(p, wStar) / EPS_SAMPLES;
        }
        double th2 = dot(theta, theta);
        double complexity = Math.sqrt((0.25 * d * Math.log(1 + th2 * Math.pow(Math.sqrt(d) + Math.sqrt(logn), 2) / (d * rho * rho)) + 0.25
                + Math.log(n / DELTA) + 2 * Math.log(6.0 * n + 3 * d)) / (n - 1));
        double emp = lhat.value(theta);
        double gnr = Sharpness.gnr(lhat, theta, rho);
        double right = emp + gnr + complexity + M / Math.sqrt(n);
        return new double[] {left, right, emp, gnr, complexity, M / Math.sqrt(n), Math.sqrt(th2)};
    }

    @Override
    public Outcome check() {
        Map<String, Object> ev = new LinkedHashMap<>();
        double worstFraction = 0;
        String worst = null;
        double minRatio = Double.POSITIVE_INFINITY;
        double maxRatio = 0;
        int vacuous = 0;
        int total = 0;
        List<String> cells = new ArrayList<>();
        for (int d : DIMS) {
            for (int n : NS) {
                for (double rho : RHOS) {
                    int violations = 0;
                    double[] last = null;
                    for (int k = 0; k < DRAWS; k++) {
                        double[] v = evaluate(d, n, rho, 1000L * d + 10L * n + k + (rho > 0.5 ? 7 : 0));
                        total++;
                        violations += v[0] > v[1] ? 1 : 0;
                        vacuous += v[1] >= M ? 1 : 0;
                        minRatio = Math.min(minRatio, v[1] / v[0]);
                        maxRatio = Math.max(maxRatio, v[1] / v[0]);
                        last = v;
                    }
                    double fraction = violations / (double) DRAWS;
                    if (fraction > worstFraction) {
                        worstFraction = fraction;
                        worst = String.format(Locale.ROOT, "d = %d, n = %d, ρ = %s: left %.4g > right %.4g", d, n, rho, last[0], last[1]);
                    }
                    cells.add(String.format(Locale.ROOT, "d=%d n=%d ρ=%s: left %.4f, right %.4f = L̂ %.4f + R^GNR %.4f + %.4f + %.4f "
                            + "(‖θ‖ = %.2f)", d, n, rho, last[0], last[1], last[2], last[3], last[4], last[5], last[6]));
                }
            }
        }
        ev.put("draws", total);
        ev.put("largest fraction of draws violating eq. 3 in a cell", worstFraction);
        ev.put("right/left ratio, smallest", minRatio);
        ev.put("right/left ratio, largest", maxRatio);
        ev.put("draws whose right side ≥ M (vacuous)", vacuous);
        ev.put("per cell (last draw): left = E_ε L(θ + ε); right = L̂ + R^GNR + complexity + M/√n", cells);
        return worstFraction <= DELTA ? Outcome.of(Verdict.HOLDS, ev) : new Outcome(Verdict.FAILS, ev, worst);
    }
}
