package org.gradreg.theory.claims;

import org.gradreg.optim.landscape.AdamPsiVariance;

/**
 * The quantities of the harmful-GR paper §4 in plain double arithmetic. Gradients g_k ~ N(0, σ_k)
 * with σ_k read as the variance (eq. 9 has σ₁ to the first power), Y = (1/t)Σ g_k², ψ = 1/√Y.
 */
public final class AdamVariance {

    private AdamVariance() {
    }

    /**
     * Eq. 9: t/(2σ₁) · (1 + e^{−γt})(1 − e^{−γ})² / ((1 + e^{−γ})(1 − e^{−γt})²); its γ → 0 limit is
     * 1/(2σ₁t). The formula's one home is optim's {@link AdamPsiVariance#eq9} (σ₁ = 1); Var ψ scales as 1/σ₁.
     */
    public static double eq9(int t, double gamma, double sigma1) {
        return AdamPsiVariance.eq9(t, gamma) / sigma1;
    }

    /** σ_k for k = 1..t; {@code firstIndexZero} reads eq. 7 as σ_k = e^{−γ(k−1)}σ₁ (so σ at k = 1 is σ₁). */
    public static double[] variances(int t, double gamma, double sigma1, boolean firstIndexZero) {
        double[] s = new double[t];
        for (int k = 1; k <= t; k++) {
            s[k - 1] = sigma1 * Math.exp(-gamma * (firstIndexZero ? k - 1 : k));
        }
        return s;
    }

    /** Lemma 4.1's delta-method value Var(Y)/(4E(Y)³), with E(Y) = Σσ_k/t and Var(Y) = 2Σσ_k²/t². */
    public static double deltaMethod(double[] variances) {
        int t = variances.length;
        double mean = 0;
        double var = 0;
        for (double s : variances) {
            mean += s / t;
            var += 2 * s * s / ((double) t * t);
        }
        return var / (4 * mean * mean * mean);
    }

    /** The sample variance of {@code x} and its standard error (from the fourth central moment), as {var, se}. */
    public static double[] sampleVariance(double[] x) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v / n;
        }
        double m2 = 0;
        double m4 = 0;
        for (double v : x) {
            double d = v - mean;
            m2 += d * d / n;
            m4 += d * d * d * d / n;
        }
        return new double[] {m2 * n / (n - 1), Math.sqrt(Math.max(m4 - m2 * m2, 0) / n)};
    }
}
