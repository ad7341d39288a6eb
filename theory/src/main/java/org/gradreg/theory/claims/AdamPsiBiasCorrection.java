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
import org.gradreg.optim.rule.Adam;
import org.gradreg.theory.Verdict;

/**
 * Harmful-GR paper, eq. 5 against the form its analysis uses: Adam's adaptive rate with bias
 * correction, ψ = √((1 − β₂ᵗ)/((1 − β₂)Σβ₂^{t−i}g_i²)), replaced in §4 (after Nau, 2014) by
 * √(t/Σg_i²). ψ of eq. 5 is read off optim's Adam (β₁ = 0, so the step is η·g_t·ψ); each of the
 * N coordinates of θ is one independent sample path of gradients g_k ~ N(0, e^{−γ(k−1)}).
 */
public final class AdamPsiBiasCorrection extends BaseClaim {

    static final double[] BETA2 = {0.999, 0.99};
    static final double[] GAMMA = {0.0, 0.01, 0.05};
    static final int[] T = {10, 100, 1000};
    static final int SAMPLES = 10_000;
    /** A cell counts as close when Var(ψ) of eq. 5 is within 10% of Var(√(t/Σg²)). */
    static final double WITHIN = 0.10;
    /** optim's Adam must reproduce eq. 5 (computed here in plain doubles) to this relative error. */
    static final double IDENTITY_TOLERANCE = 1e-9;

    public AdamPsiBiasCorrection() {
        super("harmful-gr.eq5-adam-psi", "gr-warmup-when-gr-is-harmful", "eq. 5 and §4 (the approximation of ψ)",
                "Adam's bias-corrected adaptive rate ψ = √((1 − β₂ᵗ)/((1 − β₂)Σβ₂^{t−i}g_i²)) (eq. 5) may be analysed as "
                        + "√(t/Σg_i²), the form Lemma 4.1 and Theorem 4.2 use.",
                "optim's Adam (β₁ = 0, ε = 1e-300, lr 1) on 10 000 independent coordinates fed seeded gradients g_k ~ N(0, e^{−γ(k−1)}); "
                        + "ψ of eq. 5 read off each step as −Δθ/g and checked against eq. 5 summed in plain doubles; then Var(ψ) of eq. 5 "
                        + "against Var(√(t/Σg²)) on the same draws for β₂ ∈ {0.999, 0.99}, γ ∈ {0, 0.01, 0.05}, t ∈ {10, 100, 1000}. "
                        + "A cell is close when the variances differ by at most 10%.");
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

    @Override
    public Outcome check() {
        Map<String, Object> cells = new LinkedHashMap<>();
        List<String> outside = new ArrayList<>();
        int within = 0;
        double identity = 0;
        long seed = 500;
        for (double b2 : BETA2) {
            for (double gamma : GAMMA) {
                double[][] r = run(b2, gamma, T, SAMPLES, seed++);
                for (int k = 0; k < T.length; k++) {
                    double rel = r[k][0] / r[k][2] - 1;
                    identity = Math.max(identity, r[k][4]);
                    String cell = String.format(Locale.ROOT, "β₂=%s γ=%s t=%d", b2, gamma, T[k]);
                    cells.put(cell, String.format(Locale.ROOT,
                            "Var ψ eq.5 %.4g ± %.2g, Var √(t/Σg²) %.4g ± %.2g (95%%), eq.5 / simple − 1 = %+.1f%%, t(1 − β₂) = %.3g",
                            r[k][0], 1.96 * r[k][1], r[k][2], 1.96 * r[k][3], 100 * rel, T[k] * (1 - b2)));
                    if (Math.abs(rel) <= WITHIN) {
                        within++;
                    } else {
                        outside.add(cell);
                    }
                }
            }
        }
        int total = BETA2.length * GAMMA.length * T.length;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("largest relative difference, optim Adam's ψ vs eq. 5 in plain doubles", identity);
        ev.put("cells within 10%", within + " of " + total);
        ev.put("cells outside 10%", String.join("; ", outside));
        ev.putAll(cells);
        if (identity > IDENTITY_TOLERANCE) {
            return new Outcome(Verdict.FAILS, ev, "optim's Adam does not compute eq. 5: relative difference " + identity);
        }
        Verdict v = outside.isEmpty() ? Verdict.HOLDS_APPROXIMATELY : within == 0 ? Verdict.FAILS : Verdict.HOLDS_UNDER_CONDITIONS;
        return v == Verdict.FAILS ? new Outcome(v, ev, "every cell is off by more than 10%, e.g. " + outside.get(0)) : Outcome.of(v, ev);
    }
}
