package org.gradreg.theory.claims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.gradreg.theory.Verdict;

/**
 * Harmful-GR paper, Lemma 4.1 / Theorem 4.2 as an approximation: how close eq. 9 is to the true
 * Var(ψ), ψ = √(t/Σg_k²), estimated by seeded Monte Carlo with a confidence interval.
 */
public final class AdamVarianceMonteCarlo extends BaseClaim {

    static final int[] T = {5, 10, 20, 50, 100};
    static final double[] GAMMA = {0.0, 0.01, 0.05, 0.1, 0.3};
    static final int SAMPLES = 20_000;
    static final double WITHIN = 0.10;

    public AdamVarianceMonteCarlo() {
        super("harmful-gr.thm4.2-monte-carlo", "gr-warmup-when-gr-is-harmful", "Lemma 4.1, Theorem 4.2 (eq. 9)",
                "Var(ψ) of ψ = √(t/Σg_k²), g_k ~ N(0, σ_k), σ_k = e^{−γ(k−1)}σ₁, is given (approximately, by the delta method) by eq. 9.",
                "Seeded Monte Carlo (20 000 draws per cell, Well19937c) of Var(ψ) with σ₁ = 1 on t ∈ {5, 10, 20, 50, 100} × "
                        + "γ ∈ {0, 0.01, 0.05, 0.1, 0.3}; relative error of eq. 9 against the estimate, with the estimate's 95% interval "
                        + "from the standard error of a sample variance. A cell counts as within 10% when the relative error is ≤ 0.10.");
    }

    /** Monte Carlo variance of ψ and its standard error, for one cell. */
    public static double[] monteCarlo(int t, double gamma, long seed) {
        Well19937c rng = new Well19937c(seed);
        double[] sd = new double[t];
        for (int k = 0; k < t; k++) {
            sd[k] = Math.sqrt(Math.exp(-gamma * k));
        }
        double[] psi = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                double g = sd[k] * rng.nextGaussian();
                sum += g * g;
            }
            psi[s] = Math.sqrt(t / sum);
        }
        return AdamVariance.sampleVariance(psi);
    }

    @Override
    public Outcome check() {
        List<String> within = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        Map<String, Object> cells = new LinkedHashMap<>();
        long seed = 42;
        for (int t : T) {
            for (double g : GAMMA) {
                double[] mc = monteCarlo(t, g, seed++);
                double closed = AdamVariance.eq9(t, g, 1.0);
                double rel = (closed - mc[0]) / mc[0];
                String cell = String.format(Locale.ROOT, "t=%d γ=%s", t, g);
                cells.put(cell, String.format(Locale.ROOT, "eq9 %.4g, MC %.4g ± %.2g (95%%), relative error %+.1f%%",
                        closed, mc[0], 1.96 * mc[1], 100 * rel));
                (Math.abs(rel) <= WITHIN ? within : outside).add(cell);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cells within 10%", within.size() + " of " + (within.size() + outside.size()));
        ev.put("cells outside 10%", String.join("; ", outside));
        ev.putAll(cells);
        Verdict v = outside.isEmpty() ? Verdict.HOLDS_APPROXIMATELY : within.isEmpty() ? Verdict.FAILS : Verdict.HOLDS_UNDER_CONDITIONS;
        if (v == Verdict.FAILS) {
            return new Outcome(v, ev, "every cell is off by more than 10%, e.g. " + outside.get(0));
        }
        return Outcome.of(v, ev);
    }
}
