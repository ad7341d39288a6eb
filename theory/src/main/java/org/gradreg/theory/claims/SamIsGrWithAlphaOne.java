package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;

/** Penalizing-gradient-norm paper, §3.3: SAM is GR with α = 1 (r = ρ). */
public final class SamIsGrWithAlphaOne extends BaseClaim {

    static final int FUNCTIONS = 30;

    public SamIsGrWithAlphaOne() {
        super("gr.sam-is-gr-alpha-1", "gr-penalizing-gradient-norm", "eq. 10 with α = 1",
                "SAM with radius ρ is the special case α = 1 (λ = r) of GR with r = ρ.",
                "optim's Sam.of(ρ) against GradientRegularization.of(r = ρ, α = 1), paper form and the authors' normalised-g₁ form, "
                        + "on 30 seeded random smooth functions and radii; exact (bitwise) equality of the gradients.");
    }

    @Override
    public Outcome check() {
        double paperDiff = 0;
        double codeDiff = 0;
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
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("functions", FUNCTIONS);
        ev.put("max |SAM − GR(α=1)|, paper form", paperDiff);
        ev.put("max |SAM − GR(α=1)|, code form", codeDiff);
        return paperDiff == 0 && codeDiff == 0 ? Outcome.of(Verdict.HOLDS, ev)
                : new Outcome(Verdict.FAILS, ev, "largest difference " + Math.max(paperDiff, codeDiff));
    }
}
