package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;

/**
 * GAM, gradient norm aware minimization (Zhang et al., CVPR 2023 — the published form of the GNR
 * paper), as the official code runs it (xxgege/GAM {@code gam/gam.py}: the "accelerated" GAM of
 * the paper's Appendix D, first-order, four evaluations):
 * <pre>
 *   g₀ = ∇L(θ)
 *   g₁ = ∇L(θ + ρ'·g₀/‖g₀‖)                          (g₁ − g₀ ≈ ρ'·H·ĝ₀: the ascent on ‖∇L‖)
 *   θ₂ = θ + ρ·(g₁ − g₀)/‖g₁ − g₀‖,   g₂ = ∇L(θ₂)
 *   g₃ = ∇L(θ₂ + ρ'·g₂/‖g₂‖)
 *   p = g₀ + |1 − β|·g₂,   q = α·g₁ + (1 − α)·g₃
 *   g = q − γ·(p − (p·q/‖q‖²)·q)                      (GSAM's decomposition, weight γ)
 * </pre>
 * ρ = {@code grad_norm_rho}, ρ' = {@code grad_rho}, α = {@code grad_beta_1}, β = {@code grad_beta_0}
 * (the code's β₂ = 1 − β₀ enters as |β₂|, β₃ = 1 − β₁), γ = {@code grad_gamma}; the README's
 * CIFAR defaults are ρ = 0.2, ρ' = 0.02-0.04, α ∈ {0.1 … 0.6}, β ∈ {0.1 … 0.5}, γ = 0.03-0.05.
 *
 * <p>Against gradreg's {@link Gnr} (the ICLR-submission Algorithm 1): GNR takes its Hessian-vector
 * products by forward differences with a small step h (1e-4), ascends on ‖∇L‖ along H·∇L/‖∇L‖
 * by ρ and adds α·ρ·H(θ_adv)∇L(θ_adv)/‖∇L(θ_adv)‖ to the loss gradient; GAM takes its
 * difference steps with ρ' itself (not small, not divided out), mixes the gradients at the four
 * points with α and β and removes γ times the part of p orthogonal to q. The code's ρ and ρ' are
 * driven by schedulers whose position is not saved, so a resumed run restarts them; here they
 * are schedules of the step (exact resume, no state). The code adds 1e-12 to its norms and
 * subtracts the accumulated ε to return to θ; gradreg guards zero norms (a zero g₀ gives a zero
 * step) and restores θ exactly.
 */
public final class Gam implements GradientEstimator {

    /** Registry entry: {@code gam:rho=…,rho_prime=…,alpha=…,beta=…,gamma=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("gam",
            "gradient norm aware minimization (Zhang et al. 2023), the official code's first-order form, four evaluations",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "radius of the ascent on the gradient norm (grad_norm_rho)"),
                    Key.number("rho_prime", null, Range.POSITIVE, "finite-difference radius (grad_rho)"),
                    Key.number("alpha", null, Range.FINITE, "weight of g1 against g3 in the descent direction (grad_beta_1)"),
                    Key.number("beta", null, Range.FINITE, "g2 enters the projected direction with |1 - beta| (grad_beta_0)"),
                    Key.number("gamma", null, Range.FINITE, "weight of the removed orthogonal part (grad_gamma)")),
            "rho=0.2,rho_prime=0.02,alpha=0.6,beta=0.5,gamma=0.03",
            (a, w) -> Gam.of(a.number("rho"), a.number("rho_prime"), a.number("alpha"), a.number("beta"), a.number("gamma")));

    private final Schedule rho;
    private final Schedule rhoPrime;
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final Perturbation perturbation = new Perturbation();

    private Gam(Schedule rho, Schedule rhoPrime, double alpha, double beta, double gamma) {
        this.rho = rho;
        this.rhoPrime = rhoPrime;
        this.alpha = Hyper.finite("GAM alpha", alpha);
        this.beta = Hyper.finite("GAM beta", beta);
        this.gamma = Hyper.finite("GAM gamma", gamma);
    }

    public static Gam of(double rho, double rhoPrime, double alpha, double beta, double gamma) {
        return new Gam(Schedule.constant(Hyper.nonNegative("rho", rho)), Schedule.constant(Hyper.positive("rho_prime", rhoPrime)),
                alpha, beta, gamma);
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        double rp = Hyper.nonNegativeAt("rho_prime", rhoPrime, step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g0 = first.gradient();
        double n0 = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        values.put("rho_prime", rp);
        values.put("alpha", alpha);
        values.put("gamma", gamma);
        if (n0 == 0) {
            return Estimators.plain(first, values);
        }
        Params g1 = perturbation.evaluate(oracle, step, "GAM evaluation at theta + rho' g0/|g0|", new Ascent(rp / n0, g0)).gradient();
        Params d = g1.copy().addScaled(-1, g0);
        double nd = d.norm2();
        Ascent toTheta2 = new Ascent(nd == 0 ? 0 : r / nd, d);
        Estimators.Checked second = nd == 0 || r == 0 ? first
                : perturbation.evaluate(oracle, step, "GAM evaluation at theta_2", toTheta2);
        Params g2 = second.gradient();
        double n2 = second.norm();
        Params g3 = n2 == 0 ? g2
                : perturbation.evaluate(oracle, step, "GAM evaluation at theta_2 + rho' g2/|g2|", toTheta2, new Ascent(rp / n2, g2)).gradient();
        // p = g₀ + |1 − β|·g₂ and q = α·g₁ + (1 − α)·g₃, then g = q − γ·(p − (p·q/‖q‖²)·q)
        Params p = g0.copy().addScaled(Math.abs(1 - beta), g2);
        Params q = g1.scale(alpha).addScaled(1 - alpha, g3);
        double qq = q.dot(q);
        double pq = p.dot(q);
        values.put("cos", Estimators.cosine(p, p.norm2(), q, Math.sqrt(qq)));
        Params g = qq == 0 ? q.addScaled(-gamma, p) : q.scale(1 + gamma * pq / qq).addScaled(-gamma, p);
        int evaluations = 2 + (second == first ? 0 : 1) + (n2 == 0 ? 0 : 1);
        return new Estimate(first.loss(), g, g0, n0, evaluations, values);
    }

    @Override
    public String toString() {
        return "gam(rho=" + rho + ", rho_prime=" + rhoPrime + ", alpha=" + alpha + ", beta=" + beta + ", gamma=" + gamma + ")";
    }
}
