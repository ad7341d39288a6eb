package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.VerdictRule;

/** Penalizing-gradient-norm paper, §3.3: SAM is GR with α = 1 (r = ρ). */
public final class SamIsGrWithAlphaOne extends BaseClaim {

    static final int FUNCTIONS = 30;
    /** Rounding: relative to ‖g_SAM‖. */
    static final double RESOLUTION = 1e-12;

    public SamIsGrWithAlphaOne() {
        super("gr.sam-is-gr-alpha-1", "gr-penalizing-gradient-norm", "eq. 10 with α = 1",
                "SAM with radius ρ is the special case α = 1 (λ = r) of GR with r = ρ.",
                "optim's Sam.of(ρ) against GradientRegularization.of(r = ρ, α = 1), paper form and the authors' normalised-g₁ form, "
                        + "on 30 seeded random smooth functions and radii; margin −max|difference|/‖g_SAM‖, resolution 1e-12 (the largest absolute "
                        + "difference is reported: 0 means bitwise equal).");
    }

    @Override
    public Outcome check() {
        double paperDiff = 0;
        double codeDiff = 0;
        java.util.List<VerdictRule.Case> cases = VerdictRule.cases();
        for (long s = 0; s < FUNCTIONS; s++) {
            int d = 2 + (int) (s % 5);
            RandomSmoothFunction f = new RandomSmoothFunction(s, d, 3, 1.0);
            double[] x = RandomSmoothFunction.point(s, d);
            double rho = 0.01 + 0.3 * (s % 7) / 7.0;
            double[] sam = Sam.of(rho).estimate(FunctionOracle.of(f, x), 0).gradient().get("theta").toDoubleVector();
            double[] gr = GradientRegularization.of(rho, 1.0).estimate(FunctionOracle.of(f, x), 0).gradient().get("theta").toDoubleVector();
            double[] code = GradientRegularization.of(rho, 1.0).form(GradientRegularization.Form.NORMALIZED_G1)
                    .estimate(FunctionOracle.of(f, x), 0).gradient().get("theta").toDoubleVector();
            paperDiff = Math.max(paperDiff, maxAbsDiff(sam, gr));
            codeDiff = Math.max(codeDiff, maxAbsDiff(sam, code));
            double scale = norm(sam);
            cases.add(VerdictRule.Case.of("function seed " + s + ", paper form", -maxAbsDiff(sam, gr) / scale, RESOLUTION));
            cases.add(VerdictRule.Case.of("function seed " + s + ", code form", -maxAbsDiff(sam, code) / scale, RESOLUTION));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("functions", FUNCTIONS);
        ev.put("max |SAM − GR(α=1)|, paper form", paperDiff);
        ev.put("max |SAM − GR(α=1)|, code form", codeDiff);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
