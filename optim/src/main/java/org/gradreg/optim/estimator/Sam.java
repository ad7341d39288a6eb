package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.registry.Entry;
import org.gradreg.optim.registry.Key;
import org.gradreg.optim.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sharpness-aware minimization (Foret et al., 2021): g = ∇L(θ + ε̂) with
 * <pre>
 *   SAM:  ε̂ = ρ · g₁ / ‖g₁‖
 *   ASAM: ε̂ = ρ · T²g₁ / ‖T g₁‖,  T = diag(|θ| + η)     (Kwon et al., 2021, adaptive)
 * </pre>
 * Two evaluations; ρ = 0 or g₁ = 0 returns g₁ after one. SAM with ρ is GR with r = ρ, α = 1
 * (penalizing-gradient-norm paper, eq. 10).
 */
public final class Sam implements GradientEstimator {

    /** Registry entry: {@code sam:rho=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("sam",
            "sharpness-aware minimization (Foret et al. 2021), two evaluations",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius")), "rho=0.05",
            (a, w) -> Sam.of(a.number("rho")));

    /** Registry entry: {@code asam:rho=…,eta=…}. */
    public static final Entry<EstimatorFactory> ASAM_ENTRY = new Entry<EstimatorFactory>("asam",
            "adaptive SAM (Kwon et al. 2021), two evaluations",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.number("eta", 0.01, Range.NON_NEGATIVE, "offset of T = |theta| + eta")), "rho=0.5",
            (a, w) -> Sam.of(a.number("rho")).adaptive(a.number("eta")));

    private final Schedule rho;
    private final boolean adaptive;
    private final double eta;
    private final Perturbation perturbation = new Perturbation();

    private Sam(Schedule rho, boolean adaptive, double eta) {
        this.rho = rho;
        this.adaptive = adaptive;
        this.eta = Hyper.nonNegative("ASAM eta", eta);
    }

    public static Sam of(double rho) {
        return of(Schedule.constant(Hyper.nonNegative("rho", rho)));
    }

    public static Sam of(Schedule rho) {
        return new Sam(rho, false, 0);
    }

    /** ASAM with offset η (Kwon et al. use η = 0.01). */
    public Sam adaptive(double eta) {
        return new Sam(rho, true, eta);
    }

    public Schedule rho() {
        return rho;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        double norm = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        if (r == 0 || norm == 0) {
            return new Estimate(first.loss(), g1, g1, norm, 1, values);
        }
        Params params = oracle.params();
        Params direction = g1;
        double scale = r / norm;
        if (adaptive) {
            // T g₁ and T² g₁ with T = |θ| + η, element-wise
            Params t = params.map((n, theta) -> Transforms.abs(theta, true).addi(eta));
            Params tg = t.map((n, ti) -> ti.mul(g1.get(n)));
            double tgNorm = tg.norm2();
            if (tgNorm == 0) {
                return new Estimate(first.loss(), g1, g1, norm, 1, values);
            }
            direction = tg.map((n, x) -> x.muli(t.get(n)));
            scale = r / tgNorm;
        }
        perturbation.save(params);
        Estimators.Checked second;
        try {
            perturbation.shift(params, scale, direction);
            second = Estimators.perturbed(oracle, step, "SAM ascent-point evaluation");
        } finally {
            perturbation.restore(params);
        }
        return new Estimate(first.loss(), second.gradient(), g1, norm, 2, values);
    }

    @Override
    public String toString() {
        return adaptive ? "asam(rho=" + rho + ", eta=" + eta + ")" : "sam(rho=" + rho + ")";
    }
}
