package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.State;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LookSAM (Liu et al., CVPR 2022, "Towards Efficient and Scalable Sharpness-Aware Minimization",
 * Algorithm 1): SAM's two evaluations every k-th step only; in between, SAM's gradient is
 * approximated by reusing the part of the last SAM gradient orthogonal to g:
 * <pre>
 *   t mod k = 0:  g = ∇L(θ),  g_s = ∇L(θ + ρ·g/‖g‖),
 *                 g_v = g_s − (g·g_s/‖g‖²)·g,   keep ĝ_v = g_v/‖g_v‖;      step on g_s
 *   otherwise:    g = ∇L(θ);                                                step on g + α·‖g‖·ĝ_v
 * </pre>
 * (the paper's g + α·(‖g‖/‖g_v‖)·g_v). ĝ_v is this estimator's state ({@code gv/<tensor>}), in
 * checkpoints; a step off the k-grid with none kept yet (a fresh estimator started late) takes
 * SAM's two evaluations. The authors published no code; MarlonBecker/MSAM's {@code looksam.py}
 * implements the same with 1e-12 added to ‖g‖². cos(g, g_s) is reported on SAM steps.
 */
public final class LookSam implements GradientEstimator {

    /** Registry entry: {@code looksam:rho=…,k=…,alpha=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("looksam",
            "LookSAM (Liu et al. 2022): SAM every k steps, its orthogonal gradient component reused in between",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.integer("k", 5L, Range.atLeast(1), "SAM's two evaluations every k-th step"),
                    Key.number("alpha", null, Range.FINITE, "weight alpha of the reused orthogonal component")),
            "rho=0.05,k=2,alpha=0.7", (a, w) -> LookSam.of(a.number("rho"), a.count("k"), a.number("alpha")));

    private final Schedule rho;
    private final int k;
    private final double alpha;
    private final Perturbation perturbation = new Perturbation();
    private Params orthogonal;

    private LookSam(Schedule rho, int k, double alpha) {
        this.rho = rho;
        if (k < 1) {
            throw new IllegalArgumentException("LookSAM needs k >= 1, got " + k);
        }
        this.k = k;
        this.alpha = Hyper.finite("LookSAM alpha", alpha);
    }

    public static LookSam of(double rho, int k, double alpha) {
        return new LookSam(Schedule.constant(Hyper.nonNegative("rho", rho)), k, alpha);
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g = first.gradient();
        double n = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        values.put("alpha", alpha);
        if (step % k != 0 && orthogonal != null) {
            return new Estimate(first.loss(), g.copy().addScaled(alpha * n, orthogonal), g, n, 1, values);
        }
        if (r == 0 || n == 0) {
            return Estimators.plain(first, values);
        }
        Estimators.Checked second = perturbation.evaluate(oracle, step, "LookSAM ascent-point evaluation",
                Direction.GRADIENT.ascent(oracle.params(), g, n, r, step));
        Params gs = second.gradient();
        double dot = g.dot(gs);
        values.put("cos", Estimators.cosine(g, n, gs, second.norm()));
        Params gv = gs.copy().addScaled(-dot / (n * n), g);
        double nv = gv.norm2();
        // g_s along g: nothing orthogonal to reuse
        orthogonal = nv > 0 ? gv.scale(1 / nv) : g.zerosLike();
        return new Estimate(first.loss(), gs, g, n, 2, values);
    }

    /** ĝ_v, the kept unit orthogonal component (empty before the first SAM step). */
    @Override
    public Map<String, INDArray> state() {
        return State.prefix(orthogonal == null ? null : orthogonal.asMap(), "gv");
    }

    @Override
    public void loadState(Map<String, INDArray> state) {
        orthogonal = State.params(this, state, "gv", orthogonal);
    }

    /** A fresh LookSAM (no component kept). */
    @Override
    public LookSam forRule(UpdateRule rule) {
        return new LookSam(rho, k, alpha);
    }

    @Override
    public String toString() {
        return "looksam(rho=" + rho + ", k=" + k + ", alpha=" + alpha + ")";
    }
}
