package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.gradreg.theory.claims.AdamPsiBiasCorrection;
import org.gradreg.theory.claims.AgrJacobianBound;
import org.gradreg.theory.claims.AgrLearningRateScaling;
import org.gradreg.theory.claims.AgrNormContraction;
import org.gradreg.theory.claims.GnrBoundsSam;
import org.gradreg.theory.claims.GnrChiSquareRadius;
import org.gradreg.theory.claims.SamSharpnessLimit;
import net.jqwik.api.constraints.IntRange;
import org.gradreg.theory.claims.GnrFirstOrderAscent;
import org.gradreg.theory.claims.GrFiniteDifferenceLimit;

/** The ledger's property-type checks as jqwik properties over fresh random inputs. */
class ClaimProperties {

    @Property(tries = 300, seed = "20261122")
    void agrNeverLengthensTheGradient(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double q = AgrNormContraction.ratio(seed);
        assertTrue(q <= 1, "‖Ψ(g)‖/‖g‖ = " + q);
    }

    @Property(tries = 12, seed = "20261122")
    void samSharpnessIsBoundedByGnrSharpness(@ForAll @LongRange(min = 0, max = 100_000) long seed,
                                             @ForAll @DoubleRange(min = 0.05, max = 1.0) @Scale(3) double rho) {
        double margin = GnrBoundsSam.margin(seed, rho);
        assertTrue(margin >= 0, "R^GNR − R^SAM = " + margin);
    }

    @Property(tries = 20, seed = "20261122")
    void grErrorIsFirstOrderInR(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        double order = GrFiniteDifferenceLimit.localOrder(GrFiniteDifferenceLimit.errors(seed));
        assertTrue(Math.abs(order - 1) <= 0.1, "local order " + order);
    }

    /** GNR eqs. 5/12: θ^adv approaches the true argmax of ‖∇L‖ over the ball (the ledger's limit rule: ≤ 0.75× at each of the last two halvings). */
    @Property(tries = 10, seed = "20261122")
    void firstOrderAscentPointMeetsTheTrueArgmaxAsRhoShrinks(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        double[] r = GnrFirstOrderAscent.relativeDistances(seed);
        int n = r.length;
        assertTrue(r[n - 1] <= 1e-9 || (r[n - 1] <= 0.75 * r[n - 2] && r[n - 2] <= 0.75 * r[n - 3]), java.util.Arrays.toString(r));
    }

    /** optim's Adam (β₁ = 0) computes eq. 5's ψ: the identity the ledger's eq.-5 claim rests on. */
    @Property(tries = 10, seed = "20261122")
    void adamsAdaptiveRateIsEq5(@ForAll @LongRange(min = 0, max = 100_000) long seed,
                                @ForAll @DoubleRange(min = 0.9, max = 0.9999) @Scale(4) double beta2,
                                @ForAll @DoubleRange(min = 0, max = 0.2) double gamma) {
        double[][] r = AdamPsiBiasCorrection.run(beta2, gamma, new int[] {1, 7, 40}, 64, seed);
        for (double[] cell : r) {
            assertTrue(cell[4] <= 1e-9, "relative difference from eq. 5: " + cell[4]);
        }
    }

    /** AGR Theorem 4.2 for SGD: a step with Ψ(g) is a step with the per-element rate η(1 − α). */
    @Property(tries = 100, seed = "20261122")
    void sgdWithAgrIsAPerElementLearningRate(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double e = AgrLearningRateScaling.sgdScalingError(seed);
        assertTrue(e <= 1e-9, "relative error " + e);
    }

    /**
     * AGR Theorem 4.2 for AdamW+AGR with constant α: the ledger finds the factor 1 − α (paper
     * placement), not the proof's eq. 10 factor 1 − αᵗ, and no scaling in the code placement.
     */
    @Property(tries = 10, seed = "20261122")
    void adamWWithAgrScalesByOneMinusAlphaNotEq10(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double[] e = AgrLearningRateScaling.adamScalingErrors(seed);
        assertTrue(e[0] <= 1e-9, "paper placement vs 1 − α: " + e[0]);
        assertTrue(e[1] > 1e-3, "paper placement vs 1 − αᵗ: " + e[1]);
        assertTrue(e[4] <= 1e-3, "code placement vs 1: " + e[4]);
    }

    /**
     * The AGR Jacobian bound fails on L = ½‖w‖² (H = I) at every w = (a, 1), 0 < a ≤ 0.18: there
     * DΨ(w) = [[1, a²], [1, a²]]/(1 + a)², of spectral norm √(2(1 + a⁴))/(1 + a)² > 1 = ‖H‖₂.
     */
    @Property(tries = 50, seed = "20261122")
    void agrJacobianBoundFailsOnTheIdentityHessian(@ForAll @DoubleRange(min = 0.001, max = 0.18) @Scale(3) double a) {
        double q = AgrJacobianBound.identityHessianRatio(new double[] {a, 1});
        assertEquals(Math.sqrt(2 * (1 + a * a * a * a)) / ((1 + a) * (1 + a)), q, 1e-6);
        assertTrue(q > 1, "‖J‖₂/‖H‖₂ = " + q);
    }

    /** GNR eq. 21: the Gaussian perturbation stays in B(0, ρ) with probability ≥ 1 − 1/√n, for any d and n. */
    @Property(tries = 200, seed = "20261123")
    void gaussianPerturbationStaysInTheBall(@ForAll @IntRange(min = 1, max = 100_000) int d,
                                            @ForAll @DoubleRange(min = 2, max = 1e12) double n) {
        double margin = GnrChiSquareRadius.margin(d, n);
        assertTrue(margin >= 0, "d = " + d + ", n = " + n + ": margin " + margin);
    }

    /** Lemma 3.3 as cited, on pure quadratics: R^SAM_ρ(0)/ρ² = λ_max/2 for every ρ, not only in the limit. */
    @Property(tries = 10, seed = "20261123")
    void samSharpnessOfAQuadraticIsHalfTheTopEigenvalue(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        for (double e : SamSharpnessLimit.relativeErrors(seed, true)) {
            assertTrue(e <= 1e-6, "relative error " + e);
        }
    }
}
