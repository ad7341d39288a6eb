package org.gradreg.optim.landscape;

import java.util.SplittableRandom;

/**
 * The variance of Adam's adaptive rate ψ = √(t / Σ_{k<t} g_k²) when the gradient variance decays as
 * σ_k = e^{−γk}·σ₁ (harmful-GR paper eq. 7, Lemma 4.1, Theorem 4.2): the closed form of eq. 9 and
 * its Monte Carlo estimate. One home for the toy (Fig. 3) and the theory ledger's checks.
 */
public final class AdamPsiVariance {

    private AdamPsiVariance() {
    }

    /**
     * Eq. 9 with σ₁ = 1: Var ψ = t/2 · (1 + e^{−γt})(1 − e^{−γ})² / ((1 + e^{−γ})(1 − e^{−γt})²);
     * its γ → 0 limit, 1/(2t), at γ = 0.
     */
    public static double eq9(int t, double gamma) {
        if (gamma == 0) {
            return 1.0 / (2 * t);
        }
        double q = Math.exp(-gamma);
        double qt = Math.exp(-gamma * t);
        return t / 2.0 * (1 + qt) * (1 - q) * (1 - q) / ((1 + q) * (1 - qt) * (1 - qt));
    }

    /**
     * {@code samples} seeded draws of ψ = √(t/Σg²) with g_k = e^{−γk/2}·z_k, z_k ~ N(0, 1), k = 0…t−1
     * (variance e^{−γk}, σ₁ = 1 up to the index shift the toy uses).
     */
    public static double[] psiSamples(int t, double gamma, int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] psi = new double[samples];
        for (int s = 0; s < samples; s++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                double g = Math.sqrt(Math.exp(-gamma * k)) * r.nextGaussian();
                sum += g * g;
            }
            psi[s] = Math.sqrt(t / sum);
        }
        return psi;
    }

    /** The unbiased sample variance of {@link #psiSamples} (two-pass). */
    public static double monteCarlo(int t, double gamma, int samples, long seed) {
        double[] psi = psiSamples(t, gamma, samples, seed);
        double mean = 0;
        for (double p : psi) {
            mean += p;
        }
        mean /= psi.length;
        double ss = 0;
        for (double p : psi) {
            ss += (p - mean) * (p - mean);
        }
        return ss / (psi.length - 1);
    }
}
