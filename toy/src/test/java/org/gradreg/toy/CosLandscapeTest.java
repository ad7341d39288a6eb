package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.rule.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The toy module's first check (its reproductions are still to come): the optim estimators,
 * unchanged, on the GNR paper's cos landscape L(θ) = cos(3πθ + π), whose minimum at θ = 0 has
 * curvature 9π².
 */
class CosLandscapeTest {

    static final VectorFunction L2 = VectorFunction.of(t -> Math.cos(3 * Math.PI * t[0] + Math.PI),
            t -> new double[] {-3 * Math.PI * Math.sin(3 * Math.PI * t[0] + Math.PI)});

    /**
     * Both end within the perturbation radius r = ρ = 0.02 of the minimum. Not at it: in one
     * dimension the penalty λ|L'| has a kink at the minimum, and the finite-difference GR step keeps
     * chattering around it (θ ≈ 0.0045 after 400 steps here), a trait of GR, not of the code.
     */
    @Test
    void grAndGnrDescendIntoTheMinimumAtZero() {
        for (var est : new org.gradreg.optim.estimator.GradientEstimator[] {GradientRegularization.of(0.02, 0.8), Gnr.of(0.02, 0.1)}) {
            FunctionOracle o = FunctionOracle.of(L2, 0.12);
            Optimizer opt = Optimizer.of(Sgd.of(0.005)).estimator(est);
            opt.run(o, 400);
            assertEquals(0.0, o.theta()[0], 0.02, est.toString());
            assertEquals(-1.0, L2.value(o.theta()), 0.02, est.toString());
        }
    }

    /** Plain gradient descent with step η > 2/λ = 2/(9π²) cannot settle in this minimum; GR's extra term does not save it either. */
    @Test
    void tooLargeAStepLeavesTheSharpMinimum() {
        double eta = 2.5 / (9 * Math.PI * Math.PI);
        FunctionOracle o = FunctionOracle.of(L2, 0.01);
        Optimizer.of(Sgd.of(eta)).run(o, 50);
        assertTrue(Math.abs(o.theta()[0]) > 0.05, "theta = " + o.theta()[0]);
    }
}
