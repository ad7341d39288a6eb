package org.gradreg.theory.claims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.theory.Verdict;
import org.gradreg.theory.VerdictRule;

/**
 * The SWD paper's central empirical claim (§2 "Empirical evidence of large gradient norms", Fig. 2-3;
 * §5, Fig. 4) on small deterministic problems: the final gradient norm ‖∇L(θ_T)‖ of full-batch
 * training with a cosine learning rate, for a grid of weight-decay strengths λ and three rules
 * (SGD with coupled L2, AdamW, AdamS), on two seeded problems. The runs are shared by the two
 * claims {@link Raises} and {@link AdamSLowers}.
 */
public final class SwdGradientNorms {

    static final double[] LAMBDA = {0.0, 1e-3, 1e-2, 1e-1, 5e-1};
    static final String[] RULES = {"SGD (coupled L2)", "AdamW", "AdamS"};
    static final String[] PROBLEMS = {"logistic regression (n = 200, d = 10)", "least squares (n = 100, d = 20, condition ~ 10⁴)"};
    static final int STEPS = 1000;
    /** optim's rules are checked against the plain-double ones over the first this many steps. */
    static final int AGREEMENT_STEPS = 200;
    /** AdamW's decay strengths for the comparison at matched final weight norm (η·λ ≤ 0.6). */
    static final double[] ADAMW_SWEEP = {1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30};
    static final double SGD_LR = 0.5;
    static final double ADAM_LR = 0.02;
    static final String SETUP = "Full-batch training from a seeded start (θ₀ ~ N(0, 0.1²)) on two seeded problems, logistic regression "
            + "(n = 200, d = 10, labels with Gaussian noise, not separable) and ill-conditioned least squares (n = 100, d = 20, "
            + "column scales e^{−k/2.5}); 1000 steps with a cosine learning rate from " + SGD_LR + " (SGD with coupled L2) or "
            + ADAM_LR + " (AdamW, AdamS, default betas) to 0, for λ ∈ {0, 1e-3, 1e-2, 1e-1, 0.5}, the rules written out in plain doubles "
            + "(optim's Sgd, AdamW and AdamS follow the same trajectories to 1e-9, checked over 200 steps of one run each). Reported: ‖∇L(θ_T)‖ of the "
            + "unregularized loss at the end.";

    private static double[][][][] runs;

    private SwdGradientNorms() {
    }

    /** The seeded problems, in plain doubles. */
    static VectorFunction problem(int p) {
        return p == 0 ? logistic(200, 10, 11) : leastSquares(100, 20, 12);
    }

    static VectorFunction logistic(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] w = r.doubles(d, -1, 1).toArray();
        for (int i = 0; i < n; i++) {
            double z = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian();
                z += x[i][j] * w[j];
            }
            y[i] = z >= 0 ? 1 : -1;
        }
        return VectorFunction.of(t -> {
            double v = 0;
            for (int i = 0; i < n; i++) {
                v += Math.log1p(Math.exp(-y[i] * dot(x[i], t))) / n;
            }
            return v;
        }, t -> {
            double[] g = new double[d];
            for (int i = 0; i < n; i++) {
                double c = -y[i] / (1 + Math.exp(y[i] * dot(x[i], t))) / n;
                for (int j = 0; j < d; j++) {
                    g[j] += c * x[i][j];
                }
            }
            return g;
        });
    }

    static VectorFunction leastSquares(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        double[] b = new double[n];
        double[] w = r.doubles(d, -1, 1).toArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian() * Math.exp(-j / 2.5);
                b[i] += x[i][j] * w[j];
            }
            b[i] += 0.1 * r.nextGaussian();
        }
        return VectorFunction.of(t -> {
            double v = 0;
            for (int i = 0; i < n; i++) {
                double e = dot(x[i], t) - b[i];
                v += 0.5 * e * e / n;
            }
            return v;
        }, t -> {
            double[] g = new double[d];
            for (int i = 0; i < n; i++) {
                double e = (dot(x[i], t) - b[i]) / n;
                for (int j = 0; j < d; j++) {
                    g[j] += e * x[i][j];
                }
            }
            return g;
        });
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static UpdateRule rule(int k, double lambda) {
        return switch (k) {
            case 0 -> AddDecayedWeights.of(lambda, DecayMask.all()).before(Sgd.of(Schedule.warmupCosine(SGD_LR, 0, STEPS)));
            case 1 -> AdamW.of(Schedule.warmupCosine(ADAM_LR, 0, STEPS)).weightDecay(lambda);
            default -> AdamS.of(Schedule.warmupCosine(ADAM_LR, 0, STEPS)).weightDecay(lambda);
        };
    }

    static double[] theta0(int p) {
        int d = p == 0 ? 10 : 20;
        return new SplittableRandom(100 + p).doubles(d).map(u -> 0.1 * (u - 0.5) * Math.sqrt(12)).toArray();
    }

    static Schedule schedule(int k) {
        return Schedule.warmupCosine(k == 0 ? SGD_LR : ADAM_LR, 0, STEPS);
    }

    /** {final ‖∇L‖, final ‖θ‖} of rule {@code k} with decay {@code lambda} on problem {@code p} (plain doubles, {@link SwdPlainRules}). */
    public static double[] finalNorms(int p, int k, double lambda) {
        VectorFunction f = problem(p);
        double[] theta = SwdPlainRules.run(f, theta0(p), k, schedule(k), lambda, STEPS);
        return new double[] {BaseClaim.norm(f.gradient(theta)), BaseClaim.norm(theta)};
    }

    /** The largest relative difference between optim's rule k and {@link SwdPlainRules} after all steps, λ = 0.1, problem 0. */
    static double optimAgreement(int k) {
        VectorFunction f = problem(0);
        FunctionOracle o = FunctionOracle.of(f, theta0(0));
        Optimizer.of(rule(k, 0.1)).run(o, AGREEMENT_STEPS);
        double[] plain = SwdPlainRules.run(f, theta0(0), k, schedule(k), 0.1, AGREEMENT_STEPS);
        return BaseClaim.maxAbsDiff(o.theta(), plain) / BaseClaim.norm(plain);
    }

    /** optim's three rules reproduce the plain-double runs (checked once per JVM; a mismatch is a bug, not a finding). */
    private static double[] agreement;

    static synchronized double[] agreement() {
        if (agreement == null) {
            double[] a = new double[RULES.length];
            for (int k = 0; k < RULES.length; k++) {
                a[k] = optimAgreement(k);
                if (!(a[k] < 1e-9)) {
                    throw new IllegalStateException("optim's " + RULES[k] + " and SwdPlainRules disagree by " + a[k]);
                }
            }
            agreement = a;
        }
        return agreement;
    }

    /**
     * runs[problem][rule][λ index] = {final ‖∇L‖, final ‖θ‖}, with rule index 3 for AdamW over
     * {@link #ADAMW_SWEEP}; computed once per JVM (the runs are deterministic).
     */
    static synchronized double[][][][] runs() {
        if (runs == null) {
            double[][][][] n = new double[PROBLEMS.length][RULES.length + 1][][];
            for (int p = 0; p < PROBLEMS.length; p++) {
                for (int k = 0; k <= RULES.length; k++) {
                    double[] lambdas = k < RULES.length ? LAMBDA : ADAMW_SWEEP;
                    n[p][k] = new double[lambdas.length][];
                    for (int l = 0; l < lambdas.length; l++) {
                        n[p][k][l] = finalNorms(p, k < RULES.length ? k : 1, lambdas[l]);
                    }
                }
            }
            runs = n;
        }
        return runs;
    }

    /** final ‖∇L‖ as norms[problem][rule][λ index]. */
    static double[][][] norms() {
        double[][][][] r = runs();
        double[][][] n = new double[PROBLEMS.length][RULES.length][LAMBDA.length];
        for (int p = 0; p < PROBLEMS.length; p++) {
            for (int k = 0; k < RULES.length; k++) {
                for (int l = 0; l < LAMBDA.length; l++) {
                    n[p][k][l] = r[p][k][l][0];
                }
            }
        }
        return n;
    }

    /**
     * AdamW's final ‖∇L‖ at final weight norm {@code thetaNorm}, interpolated (log-log, linear) along
     * its λ sweep on problem {@code p}; NaN outside the range of weight norms the sweep reaches.
     */
    static double adamWAtWeightNorm(int p, double thetaNorm) {
        double[][] sweep = runs()[p][RULES.length];
        for (int l = 1; l < sweep.length; l++) {
            double hi = sweep[l - 1][1];
            double lo = sweep[l][1];
            if (thetaNorm <= hi && thetaNorm >= lo) {
                double u = Math.log(thetaNorm / hi) / Math.log(lo / hi);
                return Math.exp((1 - u) * Math.log(sweep[l - 1][0]) + u * Math.log(sweep[l][0]));
            }
        }
        return Double.NaN;
    }

    /** As {@link #adamWAtWeightNorm} with plain linear interpolation, whose difference from it is the interpolation's resolution. */
    static double adamWAtWeightNormLinear(int p, double thetaNorm) {
        double[][] sweep = runs()[p][RULES.length];
        for (int l = 1; l < sweep.length; l++) {
            double hi = sweep[l - 1][1];
            double lo = sweep[l][1];
            if (thetaNorm <= hi && thetaNorm >= lo) {
                double u = (thetaNorm - hi) / (lo - hi);
                return (1 - u) * sweep[l - 1][0] + u * sweep[l][0];
            }
        }
        return Double.NaN;
    }

    static Map<String, Object> table(double[][][] n) {
        Map<String, Object> ev = new LinkedHashMap<>();
        for (int p = 0; p < PROBLEMS.length; p++) {
            for (int k = 0; k < RULES.length; k++) {
                StringBuilder s = new StringBuilder();
                for (int l = 0; l < LAMBDA.length; l++) {
                    s.append(l == 0 ? "" : ", ").append(String.format(Locale.ROOT, "λ=%s: %.3g", LAMBDA[l], n[p][k][l]));
                }
                ev.put("final ‖∇L‖, " + RULES[k] + ", " + PROBLEMS[p], s.toString());
            }
        }
        return ev;
    }

    /** "Stronger weight decay gives larger final gradient norms." */
    public static final class Raises extends BaseClaim {

        public Raises() {
            super("swd.wd-raises-gradient-norm", "swd-scheduled-weight-decay", "§2, Figures 2-3 (empirical)",
                    "Weight decay increases the gradient norm at the end of training: the stronger the decay, the larger the final "
                            + "‖∇L‖, for AdamW, Adam-type and SGD alike.",
                    SETUP + " A strict statement: each step up in λ, for each rule and problem (24), must raise the final ‖∇L‖; margin "
                            + "the relative increase, resolution 1e-9 (deterministic runs).");
        }

        @Override
        public Outcome check() {
            double[][][] n = norms();
            List<VerdictRule.Case> cases = VerdictRule.cases();
            for (int p = 0; p < PROBLEMS.length; p++) {
                for (int k = 0; k < RULES.length; k++) {
                    for (int l = 1; l < LAMBDA.length; l++) {
                        cases.add(VerdictRule.Case.of(String.format(Locale.ROOT, "%s on %s: λ %s → %s, final ‖∇L‖ %.4g → %.4g", RULES[k], PROBLEMS[p],
                                LAMBDA[l - 1], LAMBDA[l], n[p][k][l - 1], n[p][k][l]), n[p][k][l] / n[p][k][l - 1] - 1, VerdictRule.ROUNDING));
                    }
                }
            }
            Map<String, Object> ev = table(n);
            ev.put("optim's Sgd, AdamW, AdamS against the plain-double runs (λ = 0.1, logistic regression, first 200 steps), max |Δθ|/‖θ‖",
                    agreement());
            return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.STRICT, cases), ev);
        }
    }

    /** "AdamS gives lower final gradient norms than AdamW." */
    public static final class AdamSLowers extends BaseClaim {

        public AdamSLowers() {
            super("swd.adams-lowers-gradient-norm", "swd-scheduled-weight-decay", "§4-5, Figure 4 (empirical)",
                    "Scheduled weight decay penalizes large gradient norms: AdamS ends with a smaller ‖∇L‖ than AdamW (constant "
                            + "weight decay).",
                    SETUP + " Two comparisons of AdamS with AdamW for each λ > 0: (1) at the same nominal λ; (2) at the same amount "
                            + "of shrinkage, i.e. against AdamW's final ‖∇L‖ interpolated (log-log) at AdamS's final ‖θ‖ along an AdamW "
                            + "sweep λ ∈ {1e-3, 3e-3, …, 10, 30} (cells outside the sweep's range of ‖θ‖ are not compared). A strict "
                            + "statement: margin (AdamW − AdamS)/AdamW in every comparison, resolution 1e-9 at the same λ and, at the same "
                            + "‖θ‖, the relative difference between the log-log and the linear interpolation.");
        }

        @Override
        public Outcome check() {
            double[][][][] r = runs();
            Map<String, Object> ev = new LinkedHashMap<>();
            int sameLambdaLower = 0;
            int matchedLower = 0;
            int matched = 0;
            int cells = 0;
            String counter = null;
            List<VerdictRule.Case> cases = VerdictRule.cases();
            for (int p = 0; p < PROBLEMS.length; p++) {
                for (int l = 1; l < LAMBDA.length; l++) {
                    cells++;
                    double[] s = r[p][2][l];
                    double w = r[p][1][l][0];
                    double wAtNorm = adamWAtWeightNorm(p, s[1]);
                    boolean lowerAtLambda = s[0] < w;
                    sameLambdaLower += lowerAtLambda ? 1 : 0;
                    cases.add(VerdictRule.Case.of(String.format(Locale.ROOT, "%s, λ = %s, same λ: AdamS %.4g vs AdamW %.4g", PROBLEMS[p], LAMBDA[l],
                            s[0], w), (w - s[0]) / w, VerdictRule.ROUNDING));
                    if (!Double.isNaN(wAtNorm)) {
                        double linear = adamWAtWeightNormLinear(p, s[1]);
                        cases.add(VerdictRule.Case.of(String.format(Locale.ROOT, "%s, λ = %s, same final ‖θ‖ = %.4g: AdamS %.4g vs AdamW %.4g "
                                + "(interpolated; linear interpolation gives %.4g)", PROBLEMS[p], LAMBDA[l], s[1], s[0], wAtNorm, linear),
                                (wAtNorm - s[0]) / wAtNorm, Math.abs(wAtNorm - linear) / wAtNorm));
                        matched++;
                        matchedLower += s[0] < wAtNorm ? 1 : 0;
                        if (s[0] - wAtNorm > Math.abs(wAtNorm - linear) && counter == null) {
                            counter = String.format(Locale.ROOT, "%s, λ = %s: AdamS ends at ‖θ‖ = %.4g with ‖∇L‖ = %.4g; AdamW at the "
                                    + "same ‖θ‖ has ‖∇L‖ = %.4g", PROBLEMS[p], LAMBDA[l], s[1], s[0], wAtNorm);
                        }
                    }
                    ev.put(String.format(Locale.ROOT, "%s, λ = %s", PROBLEMS[p], LAMBDA[l]), String.format(Locale.ROOT,
                            "AdamS ‖∇L‖ %.3g at ‖θ‖ %.3g; AdamW same λ: ‖∇L‖ %.3g at ‖θ‖ %.3g (ratio %.3g); AdamW at AdamS's ‖θ‖: %s",
                            s[0], s[1], w, r[p][1][l][1], s[0] / w,
                            Double.isNaN(wAtNorm) ? "out of the sweep's range" : String.format(Locale.ROOT, "‖∇L‖ %.3g (ratio %.3g)",
                                    wAtNorm, s[0] / wAtNorm)));
                }
            }
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("AdamS lower at the same λ", sameLambdaLower + " of " + cells);
            head.put("AdamS lower at the same final ‖θ‖", matchedLower + " of " + matched + " comparable");
            head.putAll(ev);
            for (int p = 0; p < PROBLEMS.length; p++) {
                StringBuilder s = new StringBuilder();
                double[][] sweep = r[p][RULES.length];
                for (int l = 0; l < sweep.length; l++) {
                    s.append(l == 0 ? "" : ", ").append(String.format(Locale.ROOT, "λ=%s: ‖θ‖ %.3g, ‖∇L‖ %.3g",
                            ADAMW_SWEEP[l], sweep[l][1], sweep[l][0]));
                }
                head.put("AdamW sweep, " + PROBLEMS[p], s.toString());
            }
            return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.STRICT, cases), head, counter);
        }
    }
}
