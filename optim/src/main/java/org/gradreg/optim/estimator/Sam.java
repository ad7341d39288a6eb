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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sharpness-aware minimization (Foret et al., 2021): g = ∇L(θ + ε̂), with the ascent ε̂ of radius
 * ρ given by a {@link Direction}:
 * <pre>
 *   SAM:  ε̂ = ρ · g₁ / ‖g₁‖                                 (Foret et al., eq. 2)
 *   ASAM: ε̂ = ρ · T²g₁ / ‖T g₁‖,  T = diag(|θ| + η)        (Kwon et al., 2021, adaptive; {@link AdaptiveDirection})
 * </pre>
 * and the variants that differ only in the ascent: SAM-ON ({@link SamOn}), Friendly-SAM
 * ({@link FriendlySam}).
 * Two evaluations; ρ = 0 or no ascent (g₁ = 0) returns g₁ after one. SAM with ρ is GR with
 * r = ρ, α = 1 (penalizing-gradient-norm paper, eq. 10).
 */
public final class Sam implements GradientEstimator {

    /** Registry entry: {@code sam:rho=…,scope=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("sam",
            "sharpness-aware minimization (Foret et al. 2021), two evaluations",
            keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius")), "rho=0.05",
            (a, w) -> Scope.of(a).over(Sam.of(a.number("rho"))));

    /** Registry entry: {@code asam:rho=…,eta=…,form=paper|code,scope=…}. */
    public static final Entry<EstimatorFactory> ASAM_ENTRY = new Entry<EstimatorFactory>("asam",
            "adaptive SAM (Kwon et al. 2021), two evaluations; T = abs(theta) + eta on every tensor (paper) or on the weight tensors only (official code)",
            keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.number("eta", 0.01, Range.NON_NEGATIVE, "offset of T = |theta| + eta"),
                    Key.choice("form", "paper", java.util.List.of("paper", "code"),
                            "T on every tensor (paper) or on kernels and norm scales only, 1 on the rest (SamsungLabs/ASAM)")),
            "rho=0.5", (a, w) -> {
                Sam s = Sam.of(a.number("rho"));
                return Scope.of(a).over(a.choice("form").equals("code") ? s.adaptive(a.number("eta"), TensorMask.WEIGHTS)
                        : s.adaptive(a.number("eta")));
            });

    /** {@code own} and the scope keys, for the entries of two-pass estimators. */
    static java.util.List<Key> keys(Key... own) {
        java.util.List<Key> k = new java.util.ArrayList<>(java.util.List.of(own));
        k.addAll(Scope.KEYS);
        return k;
    }

    private final String name;
    private final Schedule rho;
    private final Direction direction;
    private final Perturbation perturbation = new Perturbation();

    private Sam(String name, Schedule rho, Direction direction) {
        this.name = name;
        this.rho = rho;
        this.direction = direction;
    }

    public static Sam of(double rho) {
        return of(Schedule.constant(Hyper.nonNegative("rho", rho)));
    }

    public static Sam of(Schedule rho) {
        return new Sam("sam", rho, Direction.GRADIENT);
    }

    /** ASAM with offset η (Kwon et al. use η = 0.01), T on every tensor (the paper's placement). */
    public Sam adaptive(double eta) {
        return adaptive(eta, TensorMask.ALL);
    }

    /** ASAM with T = |θ| + η on the tensors {@code scaled} selects, 1 on the others ({@link TensorMask#WEIGHTS}: the official code's placement). */
    public Sam adaptive(double eta, TensorMask scaled) {
        return new Sam("asam", rho, new AdaptiveDirection(eta, scaled));
    }

    /** SAM with the ascent {@code d}, reported under {@code label} (e.g. a variant's registry name). */
    public Sam direction(String label, Direction d) {
        return new Sam(label, rho, java.util.Objects.requireNonNull(d, "direction"));
    }

    public Schedule rho() {
        return rho;
    }

    public Direction direction() {
        return direction;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        double norm = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        Ascent eps = r == 0 || norm == 0 ? Ascent.NONE : direction.ascent(oracle.params(), g1, norm, r, step);
        if (eps.isNone()) {
            return Estimators.plain(first, values);
        }
        Estimators.Checked second = perturbation.evaluate(oracle, step, "SAM ascent-point evaluation", eps);
        return new Estimate(first.loss(), second.gradient(), g1, norm, 2, values);
    }

    /** A fresh copy (the direction's state starts anew). */
    @Override
    public GradientEstimator forRule(org.gradreg.optim.rule.UpdateRule rule) {
        Direction d = direction.fresh();
        return d == direction ? this : new Sam(name, rho, d);
    }

    /** The direction's state (F-SAM's EMA …); empty for SAM and ASAM. */
    @Override
    public Map<String, INDArray> state() {
        return direction.state();
    }

    @Override
    public void loadState(Map<String, INDArray> state) {
        direction.loadState(state);
    }

    @Override
    public String toString() {
        String d = direction.toString();
        return name + "(rho=" + rho + (d.isEmpty() ? "" : ", " + d) + ")";
    }
}
