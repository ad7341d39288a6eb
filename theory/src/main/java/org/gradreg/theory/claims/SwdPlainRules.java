package org.gradreg.theory.claims;

import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.schedule.Schedule;

/**
 * The three update rules of the SWD experiments written out in plain double arithmetic, one
 * parameter vector: SGD with learning-rate-coupled L2 (θ ← θ − η_t(∇L + λθ), SWD eq. 2), AdamW
 * (decoupled decay θ ← (1 − η_tλ)θ, SWD eq. 8 / Algorithm 1) and AdamS (θ ← (1 − η_tλ/√mean(v̂))θ,
 * SWD eq. 9 / Algorithm 2), Adam's moments with β = (0.9, 0.999), ε = 1e-8 and bias correction.
 * Fast enough to sweep; the claims check on a subset of runs that optim's Sgd, AdamW and AdamS
 * follow the same trajectories.
 */
final class SwdPlainRules {

    private SwdPlainRules() {
    }

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    /** θ after {@code steps} steps of rule k (0 SGD + coupled L2, 1 AdamW, 2 AdamS) with rate schedule lr and decay λ. */
    static double[] run(VectorFunction f, double[] theta0, int k, Schedule lr, double lambda, int steps) {
        int d = theta0.length;
        double[] th = theta0.clone();
        double[] m = new double[d];
        double[] v = new double[d];
        double[] step = new double[d];
        for (int s = 0; s < steps; s++) {
            double eta = lr.at(s);
            double[] g = f.gradient(th);
            if (k == 0) {
                for (int i = 0; i < d; i++) {
                    th[i] -= eta * (g[i] + lambda * th[i]);
                }
                continue;
            }
            int t = s + 1;
            double bc1 = 1 - Math.pow(BETA1, t);
            double bc2 = 1 - Math.pow(BETA2, t);
            double sumVHat = 0;
            for (int i = 0; i < d; i++) {
                m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
                v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
                step[i] = eta / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + EPS);
                sumVHat += v[i] / bc2;
            }
            double factor = 1 - eta * lambda;
            if (k == 2) {
                double sv = Math.sqrt(sumVHat / d);
                factor = sv > 0 ? 1 - eta * lambda / sv : 1;
            }
            for (int i = 0; i < d; i++) {
                th[i] = th[i] * factor - step[i];
            }
        }
        return th;
    }
}
