package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.rule.DecayMask;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import java.util.List;
import java.util.Locale;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * SWD paper, Theorem 1: gradient descent with vanilla weight decay θ ← (1 − λ)θ − η_t∇L and a
 * learning rate scheduled to zero has no non-zero stationary point, while the learning-rate-coupled
 * form θ ← θ − η_t(∇L + λθ) converges to a stationary point of L + (λ/2)‖θ‖².
 */
public final class SwdVanillaDecay extends BaseClaim {

    static final double[] A = {3.0, 1.0, 0.3};
    static final double[] CENTER = {1.0, -2.0, 0.5};
    static final double[] LAMBDAS = {0.001, 0.01, 0.1};
    static final double[] ETA0 = {0.05, 0.2};
    /** A relative gradient norm below this counts as converged (the coupled runs end at ~1e-16). */
    static final double CONVERGED = 1e-6;
    static final int STEPS = 3000;

    public SwdVanillaDecay() {
        super("swd.thm1-vanilla-decay", "swd-scheduled-weight-decay", "Theorem 1",
                "With vanilla weight decay θ ← (1 − λ)θ − η_t∇L(θ) and a scheduled η_t, the iterates have no non-zero stationary "
                        + "point: the gradient norm does not vanish; the learning-rate-coupled decay does converge.",
                "Quadratic L = ½Σaᵢ(θᵢ − cᵢ)² in 3 dimensions (minimum away from 0), λ ∈ {0.001, 0.01, 0.1}, cosine schedule η_t from "
                        + "η₀ ∈ {0.05, 0.2} to 0 over 3000 steps from θ = 0. Vanilla decay in plain double arithmetic; the coupled form θ ← θ − η_t(∇L + λθ) "
                        + "(optim's Sgd with coupled L2 at λ = 0.01, η₀ = 0.2; plain doubles elsewhere) is reported beside it. A strict statement (the gradient does not vanish): "
                        + "margin ‖∇(L + λ/2‖θ_T‖²)‖/‖∇L(0)‖ of the vanilla run, resolution 1e-6 (what counts as converged; the coupled runs "
                        + "end near 1e-16).");
    }

    private static double[] grad(double[] t) {
        double[] g = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            g[i] = A[i] * (t[i] - CENTER[i]);
        }
        return g;
    }

    /** Gradient norm of the decayed objective L + λ/2‖θ‖² at θ. */
    static double stationarity(double[] t, double lambda) {
        double[] g = grad(t);
        double s = 0;
        for (int i = 0; i < t.length; i++) {
            double gi = g[i] + lambda * t[i];
            s += gi * gi;
        }
        return Math.sqrt(s);
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> ev = new LinkedHashMap<>();
        double start = stationarity(new double[3], 0);
        for (double lambda : LAMBDAS) {
            for (double eta0 : ETA0) {
                Schedule eta = Schedule.warmupCosine(eta0, 0, STEPS);
                double[] vanilla = new double[3];
                for (int t = 0; t < STEPS; t++) {
                    double[] g = grad(vanilla);
                    for (int i = 0; i < 3; i++) {
                        vanilla[i] = (1 - lambda) * vanilla[i] - eta.at(t) * g[i];
                    }
                }
                VectorFunction l = VectorFunction.of(t -> {
                    double v = 0;
                    for (int i = 0; i < 3; i++) {
                        v += 0.5 * A[i] * (t[i] - CENTER[i]) * (t[i] - CENTER[i]);
                    }
                    return v;
                }, SwdVanillaDecay::grad);
                double[] coupled = new double[3];
                if (lambda == 0.01 && eta0 == 0.2) {
                    FunctionOracle o = FunctionOracle.of(l, 0, 0, 0);
                    Optimizer.of(AddDecayedWeights.of(lambda, DecayMask.all()).before(Sgd.of(eta))).run(o, STEPS);
                    coupled = o.theta();
                } else {
                    for (int t = 0; t < STEPS; t++) {
                        double[] g = grad(coupled);
                        for (int i = 0; i < 3; i++) {
                            coupled[i] -= eta.at(t) * (g[i] + lambda * coupled[i]);
                        }
                    }
                }
                double v = stationarity(vanilla, lambda) / start;
                double c = stationarity(coupled, lambda) / start;
                String cell = String.format(Locale.ROOT, "λ = %s, η₀ = %s", lambda, eta0);
                cases.add(Case.of(cell + String.format(Locale.ROOT, ": vanilla decay ends at ‖θ‖ = %.4g with ‖∇(L + λ/2‖θ‖²)‖/‖∇L(0)‖ = %.4g",
                        norm(vanilla), v), v, CONVERGED));
                ev.put(cell, String.format(Locale.ROOT, "vanilla %.4g (‖∇L‖/‖∇L(0)‖ %.4g), coupled (optim Sgd) %.3g", v, norm(grad(vanilla)) / start, c));
            }
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.STRICT, cases), ev);
    }
}
