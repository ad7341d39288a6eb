package org.gradreg.theory.claims;

import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import java.util.Map;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.VerdictRule;

/** Penalizing-gradient-norm paper, eq. 6 (and eqs. 13-16): ∇‖∇L‖ = H∇L/‖∇L‖. */
public final class GrNormGradient extends BaseClaim {

    /** Relative error below which the identity counts as holding (exact derivatives: rounding only). */
    static final double TOLERANCE = 1e-10;
    static final int FUNCTIONS = 40;

    public GrNormGradient() {
        super("gr.eq6-norm-gradient", "gr-penalizing-gradient-norm", "eq. 6",
                "The gradient of the gradient norm is ∇‖∇L‖₂ = H·∇L/‖∇L‖₂.",
                "40 seeded random smooth functions ½xᵀAx + Σ aⱼ sin(wⱼᵀx + bⱼ) in 2-6 dimensions at random points: "
                        + "the gradient of x ↦ ‖∇L(x)‖ by forward-mode differentiation (Commons Math DerivativeStructure, exact) against "
                        + "H∇L/‖∇L‖ with the closed-form Hessian, which is itself checked against forward-mode second derivatives; "
                        + "margin −(relative error), resolution 1e-10 (rounding).");
    }

    /**
     * Max relative error of the identity for function {@code seed}: the left side by forward-mode
     * differentiation (Commons Math) of x ↦ ‖∇L(x)‖ through the closed-form gradient expression,
     * the right side with the closed-form Hessian, itself checked against the forward-mode second
     * derivatives of L (the larger of the two errors is returned).
     */
    public static double relativeError(long seed) {
        int d = 2 + (int) (seed % 5);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 3, 1.0);
        double[] x = RandomSmoothFunction.point(seed, d);
        double[] g = f.gradient(x);
        double[] rhs = f.hessianTimes(x, g);
        double n = norm(g);
        DerivativeStructure[] gd = f.gradient(RandomSmoothFunction.variables(x, 1));
        DerivativeStructure normSq = gd[0].multiply(gd[0]);
        for (int i = 1; i < d; i++) {
            normSq = normSq.add(gd[i].multiply(gd[i]));
        }
        DerivativeStructure gradNorm = normSq.sqrt();
        double[] lhs = new double[d];
        for (int i = 0; i < d; i++) {
            int[] order = new int[d];
            order[i] = 1;
            lhs[i] = gradNorm.getPartialDerivative(order);
            rhs[i] /= n;
        }
        double identity = maxAbsDiff(lhs, rhs) / Math.max(norm(rhs), 1e-12);
        DerivativeStructure value = f.value(RandomSmoothFunction.variables(x, 2));
        var h = f.hessian(x);
        double hessianError = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                int[] order = new int[d];
                order[i]++;
                order[j]++;
                hessianError = Math.max(hessianError, Math.abs(value.getPartialDerivative(order) - h.get(i, j)));
            }
        }
        return Math.max(identity, hessianError / Math.max(1e-12, h.normF()));
    }

    @Override
    public Outcome check() {
        java.util.List<VerdictRule.Case> cases = VerdictRule.cases();
        for (long s = 0; s < FUNCTIONS; s++) {
            cases.add(VerdictRule.Case.of("function seed " + s + " (d = " + (2 + s % 5) + ")", -relativeError(s), TOLERANCE));
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), Map.of("functions", FUNCTIONS));
    }
}
