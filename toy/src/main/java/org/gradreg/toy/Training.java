package org.gradreg.toy;

import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.StepInfo;

/** One full-batch training run of an optim {@link Optimizer} on an {@link MlpProblem}, recording per-step curves. */
public record Training(double[] loss, double[] gradNorm, double trainError, double testError, double finalGradNorm) {

    /** Runs {@code steps} steps from the problem's initialisation {@code seed}. */
    public static Training run(MlpProblem p, Optimizer opt, int steps, long seed) {
        FunctionOracle o = FunctionOracle.of(p, p.init(seed));
        double[] loss = new double[steps];
        double[] gn = new double[steps];
        for (int s = 0; s < steps; s++) {
            StepInfo info = opt.step(o);
            loss[s] = info.loss();
            gn[s] = info.gradNorm();
        }
        double[] th = o.theta();
        double[] g = p.gradient(th);
        double n = 0;
        for (double v : g) {
            n += v * v;
        }
        return new Training(loss, gn, p.trainError(th), p.testError(th), Math.sqrt(n));
    }
}
