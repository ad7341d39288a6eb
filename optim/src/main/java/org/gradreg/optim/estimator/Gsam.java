package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;

/**
 * GSAM, surrogate-gap guided SAM (Zhuang et al., ICLR 2022, Algorithm 1; juntang-zhuang/GSAM
 * {@code gsam.py}):
 * <pre>
 *   ρ_t = ρ_min + (ρ − ρ_min)·(η_t − η_min)/(η_max − η_min)      (ρ_t proportional to the LR, §5.1)
 *   g₁ = ∇L(θ),  ε = ρ_t·g₁/‖g₁‖,  g₂ = ∇L(θ + ε)               (SAM's ascent)
 *   g₁⊥ = g₁ − (g₁·g₂/‖g₂‖²)·g₂                                   (g₁'s part orthogonal to g₂)
 *   g = g₂ − α·g₁⊥                                                 (descend the surrogate gap)
 * </pre>
 * The surrogate gap h = L(θ + ε) − L(θ) ≈ ρ·‖g₁‖ and cos(g₁, g₂) are reported each step. η_t is
 * the optimizer's learning rate ({@link #forRule}); η_max is {@code lr_max} or the schedule's
 * maximum, η_min is {@code lr_min} (default 0). With ρ_min = 0 (the default) ρ_t = ρ·η_t/η_max;
 * a constant LR gives ρ_t = ρ. α = 0 is SAM. The code adds 1e-12 to its norms and, when its
 * {@code ProportionScheduler} is stepped after the LR scheduler as its example does, takes the
 * first step's ρ from an LR of 0 (ρ_min); gradreg uses η_t at every step.
 */
public final class Gsam implements GradientEstimator {

    /** Registry entry: {@code gsam:rho=…,rho_min=…,alpha=…,lr_max=…,lr_min=…,scope=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("gsam",
            "surrogate-gap guided SAM (Zhuang et al. 2022), rho proportional to the learning rate, two evaluations",
            Sam.keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius at the largest learning rate (rho_max)"),
                    Key.number("rho_min", 0.0, Range.NON_NEGATIVE, "ascent radius at the smallest learning rate"),
                    Key.number("alpha", null, Range.FINITE, "weight alpha of the surrogate-gap (orthogonal) term"),
                    Key.optionalNumber("lr_max", Range.POSITIVE, "largest learning rate (default: the schedule's maximum)"),
                    Key.number("lr_min", 0.0, Range.NON_NEGATIVE, "smallest learning rate")),
            "rho=0.05,alpha=0.4", (a, w) -> Scope.of(a).over(new Gsam(a.number("rho"), a.number("rho_min"), a.number("alpha"),
                    a.given("lr_max") ? a.number("lr_max") : Double.NaN, a.number("lr_min"), null)));

    private final double rhoMax;
    private final double rhoMin;
    private final double alpha;
    private final double lrMax;
    private final double lrMin;
    private final Schedule lr;
    private final Perturbation perturbation = new Perturbation();

    private Gsam(double rhoMax, double rhoMin, double alpha, double lrMax, double lrMin, Schedule lr) {
        this.rhoMax = Hyper.nonNegative("GSAM rho", rhoMax);
        this.rhoMin = Hyper.nonNegative("GSAM rho_min", rhoMin);
        if (rhoMin > rhoMax) {
            throw new IllegalArgumentException("GSAM needs rho_min <= rho, got " + rhoMin + " > " + rhoMax);
        }
        this.alpha = Hyper.finite("GSAM alpha", alpha);
        this.lrMax = lrMax;
        this.lrMin = Hyper.nonNegative("GSAM lr_min", lrMin);
        this.lr = lr;
        if (lr != null && !(lrMax >= lrMin)) {
            throw new IllegalArgumentException("GSAM needs lr_max >= lr_min, got " + lrMax + " and " + lrMin);
        }
    }

    /** GSAM with ρ_t from ρ_max = {@code rho} and ρ_min following the learning rate, and weight α. */
    public static Gsam of(double rho, double rhoMin, double alpha) {
        return new Gsam(rho, rhoMin, alpha, Double.NaN, 0, null);
    }

    /** The same GSAM with the learning-rate range [lrMin, lrMax] that ρ_t follows (default: [0, the schedule's maximum]). */
    public Gsam lrRange(double lrMin, double lrMax) {
        return new Gsam(rhoMax, rhoMin, alpha, Hyper.positive("GSAM lr_max", lrMax), lrMin, lr);
    }

    @Override
    public Gsam forRule(UpdateRule rule) {
        Schedule s = rule.lr();
        double max = Double.isNaN(lrMax) ? s.maxValue().orElseThrow(() -> new IllegalArgumentException(
                "gsam: the learning-rate schedule " + s + " does not state its maximum; give lr_max")) : lrMax;
        return new Gsam(rhoMax, rhoMin, alpha, max, lrMin, s);
    }

    /** ρ_t at step {@code step}: proportional to the learning rate (constant ρ when the LR range is a point). */
    double rhoAt(long step) {
        if (lr == null) {
            throw new IllegalStateException("gsam's rho follows the learning rate: use it in an Optimizer (or bind it with forRule)");
        }
        if (lrMax == lrMin) {
            return rhoMax;
        }
        double eta = lr.at(step);
        return Hyper.nonNegative("GSAM rho_t", rhoMin + (rhoMax - rhoMin) * (eta - lrMin) / (lrMax - lrMin));
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double rho = rhoAt(step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        double n1 = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", rho);
        values.put("alpha", alpha);
        if (rho == 0 || n1 == 0) {
            return Estimators.plain(first, values);
        }
        Estimators.Checked second = perturbation.evaluate(oracle, step, "GSAM ascent-point evaluation",
                Direction.GRADIENT.ascent(oracle.params(), g1, n1, rho, step));
        Params g2 = second.gradient();
        double n2 = second.norm();
        double dot = g1.dot(g2);
        values.put("surrogate_gap", second.loss() - first.loss());
        values.put("cos", n2 == 0 ? Double.NaN : dot / (n1 * n2));
        if (alpha != 0 && n2 != 0) {
            // g₂ − α(g₁ − (g₁·g₂/‖g₂‖²)g₂) = (1 + α·g₁·g₂/‖g₂‖²)·g₂ − α·g₁
            g2.scale(1 + alpha * dot / (n2 * n2)).addScaled(-alpha, g1);
        } else if (alpha != 0) {
            g2.addScaled(-alpha, g1);
        }
        return new Estimate(first.loss(), g2, g1, n1, 2, values);
    }

    @Override
    public String toString() {
        return "gsam(rho=" + rhoMax + (rhoMin == 0 ? "" : ", rho_min=" + rhoMin) + ", alpha=" + alpha
                + (Double.isNaN(lrMax) ? "" : ", lr in [" + lrMin + ", " + lrMax + "]") + ")";
    }
}
