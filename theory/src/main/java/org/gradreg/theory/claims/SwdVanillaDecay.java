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
import org.gradreg.theory.Verdict;

/**
 * SWD paper, Theorem 1: gradient descent with vanilla weight decay θ ← (1 − λ)θ − η_t∇L and a
 * learning rate scheduled to zero has no non-zero stationary point, while the learning-rate-coupled
 * form θ ← θ − η_t(∇L + λθ) converges to a stationary point of L + (λ/2)‖θ‖².
 */
public final class SwdVanillaDecay extends BaseClaim {

    static final double[] A = {3.0, 1.0, 0.3};
    static final double[] CENTER = {1.0, -2.0, 0.5};
    static final double LAMBDA = 0.01;
    static final int STEPS = 3000;

    public SwdVanillaDecay() {
        super("swd.thm1-vanilla-decay", "swd-scheduled-weight-decay", "Theorem 1",
                "With vanilla weight decay θ ← (1 − λ)θ − η_t∇L(θ) and a scheduled η_t, the iterates have no non-zero stationary "
                        + "point: the gradient norm does not vanish; the learning-rate-coupled decay does converge.",
                "Quadratic L = ½Σaᵢ(θᵢ − cᵢ)² in 3 dimensions, λ = 0.01, cosine schedule η_t from 0.2 to 0 over 3000 steps. Vanilla "
                        + "decay in plain double arithmetic; the coupled form is optim's Sgd with coupled L2 (weightDecay λ). Reported: "
                        + "‖∇(L + λ/2‖θ‖²)‖ at the end, for both.");
    }

    private static double[] grad(double[] t) {
        double[] g = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            g[i] = A[i] * (t[i] - CENTER[i]);
        }
        return g;
    }

    /** Gradient norm of the decayed objective L + λ/2‖θ‖² at θ. */
    static double stationarity(double[] t) {
        double[] g = grad(t);
        double s = 0;
        for (int i = 0; i < t.length; i++) {
            double gi = g[i] + LAMBDA * t[i];
            s += gi * gi;
        }
        return Math.sqrt(s);
    }

    @Override
    public Outcome check() {
        Schedule eta = Schedule.warmupCosine(0.2, 0, STEPS);
        double[] vanilla = new double[3];
        for (int t = 0; t < STEPS; t++) {
            double[] g = grad(vanilla);
            for (int i = 0; i < 3; i++) {
                vanilla[i] = (1 - LAMBDA) * vanilla[i] - eta.at(t) * g[i];
            }
        }
        VectorFunction l = VectorFunction.of(t -> {
            double v = 0;
            for (int i = 0; i < 3; i++) {
                v += 0.5 * A[i] * (t[i] - CENTER[i]) * (t[i] - CENTER[i]);
            }
            return v;
        }, SwdVanillaDecay::grad);
        FunctionOracle o = FunctionOracle.of(l, 0, 0, 0);
        Optimizer.of(AddDecayedWeights.of(LAMBDA, DecayMask.all()).before(Sgd.of(eta))).run(o, STEPS);
        double vanillaNorm = stationarity(vanilla);
        double coupledNorm = stationarity(o.theta());
        double vanillaLossGrad = norm(grad(vanilla));
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("final ‖∇(L + λ/2‖θ‖²)‖, vanilla decay", vanillaNorm);
        ev.put("final ‖∇(L + λ/2‖θ‖²)‖, coupled decay (optim Sgd)", coupledNorm);
        ev.put("final ‖∇L‖, vanilla decay", vanillaLossGrad);
        ev.put("final ‖θ‖, vanilla decay", norm(vanilla));
        boolean holds = vanillaNorm > 0.1 && coupledNorm < 1e-3;
        return holds ? Outcome.of(Verdict.HOLDS, ev)
                : new Outcome(Verdict.FAILS, ev, "vanilla " + vanillaNorm + ", coupled " + coupledNorm);
    }
}
