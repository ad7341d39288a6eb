package org.gradreg.theory.claims;

import org.apache.commons.math3.special.Gamma;

/**
 * The exact variance of the adaptive rate ψ = √(t/X), X = Σ_k σ_k z_k² with independent standard
 * normal z_k (harmful-GR paper §4: g_k ~ N(0, σ_k), σ_k read as the variance), by one-dimensional
 * quadrature, no sampling:
 * <pre>
 *   E[X^{−s}] = (1/Γ(s)) ∫₀^∞ u^{s−1} Π_k (1 + 2uσ_k)^{−1/2} du        (E e^{−uX} = Π (1 + 2uσ_k)^{−1/2})
 *   Var ψ = t·E[1/X] − t·E[X^{−1/2}]²
 * </pre>
 * E[1/X] is finite only for t ≥ 3 (the integrand decays like u^{−t/2}) and E[X^{−1/2}] only for
 * t ≥ 2, so Var ψ = ∞ for t ≤ 2. The integrals are taken over x = ln u with 8-point Gauss-Legendre
 * panels of width 1 from x = −60 until the remaining tail, bounded by f(x)/κ (the log-integrand's
 * slope −κ only falls with x), is below 1e-15 of the total. For equal σ_k (γ = 0) it agrees with the chi-square closed form {@link #chiSquare}.
 */
public final class PsiExactVariance {

    private PsiExactVariance() {
    }

    private static final double[] NODES;
    private static final double[] WEIGHTS;

    static {
        var rule = new org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory().legendre(8, 0, 1);
        NODES = new double[rule.getNumberOfPoints()];
        WEIGHTS = new double[rule.getNumberOfPoints()];
        for (int i = 0; i < NODES.length; i++) {
            NODES[i] = rule.getPoint(i);
            WEIGHTS[i] = rule.getWeight(i);
        }
    }

    /** Var ψ for the given variances σ_k (k = 1..t); +∞ when t ≤ 2. */
    public static double variance(double[] sigma) {
        int t = sigma.length;
        if (t <= 2) {
            return Double.POSITIVE_INFINITY;
        }
        double inv = negativeMoment(sigma, 1.0);
        double invSqrt = negativeMoment(sigma, 0.5);
        return t * inv - t * invSqrt * invSqrt;
    }

    /** E[X^{−s}] for s ∈ {1/2, 1}, X = Σ σ_k z_k². */
    static double negativeMoment(double[] sigma, double s) {
        double panel = 1.0;
        double total = 0;
        double lo = -60;
        for (int p = 0; p < 20_000; p++) {
            double part = 0;
            for (int i = 0; i < NODES.length; i++) {
                part += WEIGHTS[i] * integrand(sigma, s, lo + panel * NODES[i]);
            }
            total += part * panel;
            lo += panel;
            // d ln f/dx = s − Σ uσ_k/(1 + 2uσ_k) only decreases with x, so once it is −κ < 0 the tail
            // beyond lo is at most f(lo)/κ
            double kappa = -logSlope(sigma, s, lo);
            if (kappa > 0 && integrand(sigma, s, lo) / kappa < 1e-15 * total) {
                return total / Gamma.gamma(s);
            }
        }
        throw new IllegalStateException("E[X^-" + s + "] did not converge (t = " + sigma.length + ")");
    }

    private static double logSlope(double[] sigma, double s, double x) {
        double u = Math.exp(x);
        double slope = s;
        for (double v : sigma) {
            slope -= u * v / (1 + 2 * u * v);
        }
        return slope;
    }

    /** u^s Π(1 + 2uσ_k)^{−1/2} at u = e^x (the du = u dx factor included). */
    private static double integrand(double[] sigma, double s, double x) {
        double u = Math.exp(x);
        double log = s * x;
        for (double v : sigma) {
            log -= 0.5 * Math.log1p(2 * u * v);
        }
        return Math.exp(log);
    }

    /**
     * Var ψ for t equal variances σ (γ = 0) in closed form: ψ² = t/(σχ²_t), E[1/χ²_t] = 1/(t − 2),
     * E[χ_t^{−1}] = Γ((t − 1)/2)/(√2 Γ(t/2)).
     */
    public static double chiSquare(int t, double sigma) {
        if (t <= 2) {
            return Double.POSITIVE_INFINITY;
        }
        double meanInvChi = Math.exp(Gamma.logGamma((t - 1) / 2.0) - Gamma.logGamma(t / 2.0)) / Math.sqrt(2);
        return t / sigma * (1.0 / (t - 2) - meanInvChi * meanInvChi);
    }
}
