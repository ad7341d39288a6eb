package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Gamma;
import org.gradreg.theory.claims.AdamVariance;
import org.gradreg.theory.claims.AdamVarianceClosedForm;
import org.gradreg.theory.claims.AgrEqA10Factor;
import org.gradreg.theory.claims.AgrJacobianBound;
import org.gradreg.theory.claims.GnrNormTermBound;
import org.gradreg.theory.claims.PsiExactVariance;
import org.junit.jupiter.api.Test;

/**
 * The ledger's findings re-checked from the printed equations in plain double arithmetic, without
 * the claims' own code paths: each failing claim's counterexample, and the exact Var ψ the
 * approximation claim rests on.
 */
class FindingsTest {

    /** Eq. 7 as printed at t = 1: Y = g₁² with Var g₁ = e^{−γ}σ₁, so Var(Y)/(4E(Y)³) = e^γ/(2σ₁), while eq. 9 gives 1/(2σ₁). */
    @Test
    void eq7AsPrintedMakesTheDeltaMethodEToTheGammaTimesEq9() {
        double gamma = 0.001;
        double sigma1 = 3;
        double s = Math.exp(-gamma) * sigma1;
        double delta = 2 * s * s / (4 * s * s * s);
        assertEquals(Math.exp(gamma) / (2 * sigma1), delta, 1e-15);
        assertEquals(1 / (2 * sigma1), AdamVariance.eq9(1, gamma, sigma1), 1e-15);
        assertEquals(Math.exp(gamma) - 1, AdamVarianceClosedForm.printedRelativeDifference(1, gamma, sigma1), 1e-12);
    }

    /** Var ψ for equal variances in closed form (scaled inverse chi): the quadrature agrees, and Var ψ = ∞ for t ≤ 2. */
    @Test
    void exactVarianceOfPsiAgreesWithTheChiSquareClosedForm() {
        for (int t : new int[] {3, 4, 5, 10, 50, 300}) {
            double sigma = 0.7;
            double[] v = new double[t];
            java.util.Arrays.fill(v, sigma);
            double m = Math.exp(Gamma.logGamma((t - 1) / 2.0) - Gamma.logGamma(t / 2.0)) / Math.sqrt(2);
            double closed = t / sigma * (1.0 / (t - 2) - m * m);
            assertEquals(closed, PsiExactVariance.variance(v), 1e-7 * closed, "t = " + t);
        }
        assertTrue(Double.isInfinite(PsiExactVariance.variance(new double[] {1, 0.5})));
        assertTrue(Double.isInfinite(PsiExactVariance.variance(new double[] {1})));
    }

    /** With decaying variances the quadrature agrees with a seeded Monte Carlo estimate to within 4 standard errors. */
    @Test
    void exactVarianceOfPsiAgreesWithMonteCarlo() {
        int t = 12;
        double[] sigma = AdamVariance.variances(t, 0.2, 1, false);
        SplittableRandom r = new SplittableRandom(5);
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        double sum4 = 0;
        double[] psi = new double[n];
        for (int k = 0; k < n; k++) {
            double x = 0;
            for (double s : sigma) {
                double z = r.nextGaussian();
                x += s * z * z;
            }
            psi[k] = Math.sqrt(t / x);
            sum += psi[k];
        }
        double mean = sum / n;
        for (double p : psi) {
            sumSq += (p - mean) * (p - mean);
            sum4 += Math.pow(p - mean, 4);
        }
        double var = sumSq / (n - 1);
        double se = Math.sqrt((sum4 / n - var * var) / n);
        assertEquals(var, PsiExactVariance.variance(sigma), 4 * se);
    }

    /** Eq. 35 on H = γI: ‖∇‖∇L‖‖ = ‖γ∇L‖/‖∇L‖ = γ at every step, so the left side is α²γ²ρ₀²Σ(1/t)/T exactly: γ times the printed right side. */
    @Test
    void eq35OnAnIsotropicQuadraticIsOffByTheFactorGamma() {
        for (double gamma : new double[] {0.5, 1.01, 3, 10}) {
            double[] v = GnrNormTermBound.isotropic(gamma);
            double harmonic = 0;
            for (int t = 1; t <= 1000; t++) {
                harmonic += 1.0 / t;
            }
            double expectedLhs = 0.25 * gamma * gamma * 0.25 * harmonic / 1000;
            assertEquals(expectedLhs, v[0], 1e-12 * expectedLhs);
            assertEquals(gamma, v[0] / v[1], 1e-9);
        }
    }

    /** AGR eq. 9 with a constant α: every term carries 1 − α, so the sum is (1 − α) times the plain one; eq. 10's 1 − αᵗ differs for t ≥ 2. */
    @Test
    void eqA10FactorIsOneMinusAlphaNotOneMinusAlphaToTheT() {
        double alpha = 0.3;
        double psiSum = 0;
        double plainSum = 0;
        double[] g = {0.4, -1.2, 2.0, 0.7};
        for (int i = 0; i < g.length; i++) {
            double w = Math.pow(0.9, i) * 0.1;
            psiSum += w * (1 - alpha) * g[i];
            plainSum += w * g[i];
        }
        assertEquals(1 - alpha, psiSum / plainSum, 1e-14);
        assertEquals((1 - alpha) / (1 - alpha * alpha) - 1, -alpha / (1 + alpha), 1e-15);
        assertEquals(alpha / (1 + alpha), AgrEqA10Factor.printedRelativeError(alpha, 2), 1e-12);
    }

    /** The AGR Jacobian bound on ½‖w‖² near w = (a, …, a, 1): DΨ → [[I, 0], [1ᵀ, 0]], of spectral norm √d. */
    @Test
    void agrJacobianBoundIsViolatedByAFactorApproachingSqrtD() {
        for (int d : new int[] {3, 8}) {
            double[] w = new double[d];
            java.util.Arrays.fill(w, 1e-5);
            w[d - 1] = 1;
            assertEquals(Math.sqrt(d), AgrJacobianBound.identityHessianRatio(w), 1e-3 * Math.sqrt(d), "d = " + d);
        }
    }

    /**
     * GR eq. 10 at α = 0 on L = ½θᵀAθ is Aθ, the plain gradient; SAM's gradient is A(θ + rAθ/‖Aθ‖):
     * the paper's "α = 0 ... is actually the SAM scheme" names the wrong end of the α range.
     */
    @Test
    void grAlphaZeroIsPlainTrainingNotSam() {
        double[][] a = {{2, 0.5}, {0.5, 1}};
        double[] theta = {0.3, -0.7};
        double[] g = {a[0][0] * theta[0] + a[0][1] * theta[1], a[1][0] * theta[0] + a[1][1] * theta[1]};
        double n = Math.hypot(g[0], g[1]);
        double r = 0.05;
        double[] p = {theta[0] + r * g[0] / n, theta[1] + r * g[1] / n};
        double[] sam = {a[0][0] * p[0] + a[0][1] * p[1], a[1][0] * p[0] + a[1][1] * p[1]};
        double alpha = 0;
        double[] eq10 = {(1 - alpha) * g[0] + alpha * sam[0], (1 - alpha) * g[1] + alpha * sam[1]};
        assertEquals(g[0], eq10[0], 0);
        assertTrue(Math.hypot(eq10[0] - sam[0], eq10[1] - sam[1]) > 0.01);
    }

    /**
     * GNR Proposition 2.2 as printed, with a loss bounded by M = 1000 and δ = 0.001, for a θ fixed
     * before S: simulated here from scratch (d = 2, w* = e₁, θ = 20e₂ ⟂ w*, so L(θ) = 1/2 by symmetry
     * and E_ε L(θ + ε) is within 2e-3 of it). The complexity term does not grow with M, so the bound
     * is violated whenever L̂ < L − 1/√n − R^GNR − C/M: about 2% of draws, well above δ.
     */
    @Test
    void pacBayesBoundAsPrintedFailsForALargeLossBoundAndSmallDelta() {
        int n = 100;
        double rho = 0.1;
        double m = 1000;
        double delta = 0.001;
        double thetaSq = 400;
        double d = 2;
        double c = Math.sqrt((0.25 * d * Math.log(1 + thetaSq * Math.pow(Math.sqrt(d) + Math.sqrt(Math.log(n)), 2) / (d * rho * rho)) + 0.25
                + Math.log(n / delta) + 2 * Math.log(6.0 * n + 3 * d)) / (n - 1));
        SplittableRandom r = new SplittableRandom(77);
        int draws = 4000;
        int violating = 0;
        for (int k = 0; k < draws; k++) {
            double lhat = 0;
            double g1 = 0;
            double g2 = 0;
            double c11 = 0;
            double c12 = 0;
            double c22 = 0;
            for (int i = 0; i < n; i++) {
                double x1 = r.nextGaussian();
                double x2 = r.nextGaussian();
                double y = Math.signum(x1) * (r.nextDouble() < 0.1 ? -1 : 1);
                double s = 1 / (1 + Math.exp(20 * y * x2)); // σ(−y θᵀx)
                lhat += s / n;
                double w = -s * (1 - s) * y / n;
                g1 += w * x1;
                g2 += w * x2;
                c11 += x1 * x1 / n;
                c12 += x1 * x2 / n;
                c22 += x2 * x2 / n;
            }
            double lambdaMax = (c11 + c22) / 2 + Math.sqrt((c11 - c22) * (c11 - c22) / 4 + c12 * c12);
            double rUp = rho * (Math.hypot(g1, g2) + rho * lambdaMax / (6 * Math.sqrt(3)));
            double leftLow = 0.5 - 2e-3;
            if (m * leftLow > m * (lhat + rUp + 1 / Math.sqrt(n)) + c) {
                violating++;
            }
        }
        double p = violating / (double) draws;
        assertTrue(p > delta + 3 * Math.sqrt(delta * (1 - delta) / draws), "violating fraction " + p);
    }
}
