package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.rule.Adam;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper, eq. 5 against the form its analysis uses: Adam's adaptive rate with bias
 * correction, ψ = √((1 − β₂ᵗ)/((1 − β₂)Σβ₂^{t−i}g_i²)), replaced in §4 (after Nau, 2014) by
 * √(t/Σg_i²). Both are computed in plain doubles on the same draws (shared random streams), N
 * independent sample paths of gradients g_k ~ N(0, e^{−γ(k−1)}); that optim's Adam computes eq. 5
 * (β₁ = 0, so the step is η·g_t·ψ) is checked on a subset of the paths.
 */
public final class AdamPsiBiasCorrection extends BaseClaim {

    static final double[] BETA2 = {0.9, 0.99, 0.999};
    static final double[] GAMMA = {0.0, 0.01, 0.05};
    static final int[] T = {10, 100, 1000};
    static final int SAMPLES = 10_000;
    /** The paths are split into this many batches; the spread of the batch ratios gives the standard error. */
    static final int BATCHES = 20;
    /** optim's Adam is run on this many of the paths (up to t = 100) to check it computes eq. 5. */
    static final int IDENTITY_PATHS = 256;
    /** optim's Adam must reproduce eq. 5 (computed here in plain doubles) to this relative error. */
    static final double IDENTITY_TOLERANCE = 1e-9;

    public AdamPsiBiasCorrection() {
        super("harmful-gr.eq5-adam-psi", Papers.HARMFUL_GR, "eq. 5 and §4 (Nau's approximation of ψ)",
                "Adam's bias-corrected adaptive rate ψ = √((1 − β₂ᵗ)/((1 − β₂)Σβ₂^{t−i}g_i²)) (eq. 5) may be analysed as "
                        + "√(t/Σg_i²) (p(ψ) ≈ p(√(t/Σg²)), the form Lemma 4.1 and Theorem 4.2 use).",
                "10 000 seeded sample paths g_k ~ N(0, e^{−γ(k−1)}) in plain doubles; Var ψ of eq. 5 against Var √(t/Σg²) on the same "
                        + "draws for β₂ ∈ {0.9, 0.99, 0.999} (β₂ is free in the paper; Adam's default is 0.999), γ ∈ {0, 0.01, 0.05}, "
                        + "t ∈ {10, 100, 1000}. An approximation without a stated tolerance: margin 10% − |Var ψ_eq5/Var ψ_simple − 1|, "
                        + "resolution 3 standard errors of that ratio from 20 batches of 500 paths. optim's Adam (β₁ = 0, ε = 1e-300, "
                        + "lr 1) reproduces eq. 5 on 256 of the paths up to t = 100 (ψ read off each step as −Δθ/g).");
    }

    /**
     * One sample-path batch: for each t in {@code ts} (ascending), {Var(ψ eq. 5), its standard error,
     * Var(√(t/Σg²)), its standard error, largest relative difference of optim's ψ from eq. 5 in plain doubles}.
     */
    public static double[][] run(double beta2, double gamma, int[] ts, int samples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] g = new double[samples];
        VectorFunction prescribed = VectorFunction.of(th -> 0, th -> g);
        FunctionOracle oracle = FunctionOracle.of(prescribed, new double[samples]);
        Optimizer adam = Optimizer.of(Adam.of(1.0).betas(0, beta2).eps(1e-300));
        double[] zero = new double[samples];
        double[] sumSq = new double[samples];
        double[] ema = new double[samples];
        double[][] out = new double[ts.length][];
        int next = 0;
        for (int t = 1; t <= ts[ts.length - 1]; t++) {
            double sd = Math.exp(-gamma * (t - 1) / 2);
            for (int i = 0; i < samples; i++) {
                g[i] = sd * rng.nextGaussian();
                sumSq[i] += g[i] * g[i];
                ema[i] = beta2 * ema[i] + (1 - beta2) * g[i] * g[i];
            }
            oracle.setTheta(zero);
            adam.step(oracle);
            if (t == ts[next]) {
                double[] theta = oracle.theta();
                double[] psiAdam = new double[samples];
                double[] psiSimple = new double[samples];
                double identity = 0;
                double bc = 1 - Math.pow(beta2, t);
                for (int i = 0; i < samples; i++) {
                    psiAdam[i] = -theta[i] / g[i];
                    psiSimple[i] = Math.sqrt(t / sumSq[i]);
                    double eq5 = Math.sqrt(bc / ema[i]);
                    identity = Math.max(identity, Math.abs(psiAdam[i] / eq5 - 1));
                }
                double[] va = AdamVariance.sampleVariance(psiAdam);
                double[] vs = AdamVariance.sampleVariance(psiSimple);
                out[next++] = new double[] {va[0], va[1], vs[0], vs[1], identity};
            }
        }
        return out;
    }

    /**
     * Plain-double variances on shared draws: for each t in {@code ts}, {Var ψ eq. 5 / Var √(t/Σg²) − 1 on
     * all paths, its standard error from {@code batches} batches, Var ψ eq. 5, Var √(t/Σg²)}.
     */
    static double[][] variances(double beta2, double gamma, int[] ts, int samples, int batches, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] sumSq = new double[samples];
        double[] ema = new double[samples];
        double[][] out = new double[ts.length][];
        int next = 0;
        for (int t = 1; t <= ts[ts.length - 1]; t++) {
            double sd = Math.exp(-gamma * (t - 1) / 2);
            for (int i = 0; i < samples; i++) {
                double g = sd * rng.nextGaussian();
                sumSq[i] += g * g;
                ema[i] = beta2 * ema[i] + (1 - beta2) * g * g;
            }
            if (t == ts[next]) {
                double bc = 1 - Math.pow(beta2, t);
                double[] eq5 = new double[samples];
                double[] simple = new double[samples];
                for (int i = 0; i < samples; i++) {
                    eq5[i] = Math.sqrt(bc / ema[i]);
                    simple[i] = Math.sqrt(t / sumSq[i]);
                }
                double va = AdamVariance.sampleVariance(eq5)[0];
                double vs = AdamVariance.sampleVariance(simple)[0];
                int size = samples / batches;
                double mean = 0;
                double sq = 0;
                for (int b = 0; b < batches; b++) {
                    double r = AdamVariance.sampleVariance(java.util.Arrays.copyOfRange(eq5, b * size, (b + 1) * size))[0]
                            / AdamVariance.sampleVariance(java.util.Arrays.copyOfRange(simple, b * size, (b + 1) * size))[0] - 1;
                    mean += r / batches;
                    sq += r * r / batches;
                }
                double se = Math.sqrt(Math.max(sq - mean * mean, 0) / (batches - 1));
                out[next++] = new double[] {va / vs - 1, se, va, vs};
            }
        }
        return out;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> cells = new LinkedHashMap<>();
        double identity = 0;
        long seed = 500;
        for (double b2 : BETA2) {
            for (double gamma : GAMMA) {
                double[][] r = variances(b2, gamma, T, SAMPLES, BATCHES, seed);
                if (gamma == 0) {
                    for (double[] cell : run(b2, gamma, new int[] {1, 10, 100}, IDENTITY_PATHS, seed)) {
                        identity = Math.max(identity, cell[4]);
                    }
                }
                seed++;
                for (int k = 0; k < T.length; k++) {
                    String cell = String.format(Locale.ROOT, "β₂=%s γ=%s t=%d", b2, gamma, T[k]);
                    double res = VerdictRule.STANDARD_ERRORS * r[k][1];
                    cases.add(Case.of(cell, VerdictRule.APPROXIMATION_TOLERANCE - Math.abs(r[k][0]), res));
                    cells.put(cell, String.format(Locale.ROOT, "Var ψ eq.5 %.4g, Var √(t/Σg²) %.4g, ratio − 1 = %+.1f%% ± %.1f%% (3 SE), "
                            + "t(1 − β₂) = %.3g", r[k][2], r[k][3], 100 * r[k][0], 100 * res, T[k] * (1 - b2)));
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("largest relative difference, optim Adam's ψ vs eq. 5 in plain doubles (256 paths, t ≤ 100)", identity);
        ev.putAll(cells);
        if (identity > IDENTITY_TOLERANCE) {
            return new Outcome(Verdict.FAILS, ev, "optim's Adam does not compute eq. 5: relative difference " + identity);
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }
}
