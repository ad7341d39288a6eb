package org.gradreg.optim.estimator;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.optim.State;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Friendly-SAM's ascent (Li et al., CVPR 2024, "Friendly Sharpness-Aware Minimization"): the
 * full-gradient component, estimated by an EMA m of past mini-batch gradients, is removed from
 * the ascent direction, which keeps the batch-specific noise:
 * <pre>
 *   paper (Algorithm 1):  m_t = λ·m_{t−1} + (1 − λ)·g_t  (m_0 = 0),   d_t = g_t − σ·m_t
 *   code  (nblt/F-SAM utils.py): d_t = g_t − σ·m_{t−1},  then m_t = λ·m_{t−1} + (1 − λ)·g_t;
 *                         at the first step m_1 = g_1 and d_1 = g_1
 *   ε_t = ρ·d_t/‖d_t‖,    g = ∇L(θ + ε_t)
 * </pre>
 * σ (default 1, the paper's experiments) scales the removed component, λ is the EMA's retention
 * (default 0.9, the code's class default; its training script uses 0.95, the paper's CIFAR runs
 * 0.6 and 0.95). d = 0 gives no ascent (the plain gradient). The EMA is this estimator's state
 * ({@code m/<tensor>}), in checkpoints; the code adds 1e-12 to ‖d‖, gradreg does not.
 */
public final class FriendlySam implements Direction {

    /** Registry entry: {@code fsam:rho=…,sigma=…,lambda=…,form=paper|code}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("fsam",
            "Friendly-SAM (Li et al. 2024): the EMA of past gradients removed from the ascent, two evaluations",
            java.util.List.of(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.number("sigma", 1.0, Range.FINITE, "weight sigma of the removed full-gradient estimate"),
                    Key.number("lambda", 0.9, Range.UNIT, "retention lambda of the gradient EMA"),
                    Key.choice("form", "paper", java.util.List.of("paper", "code"),
                            "remove the EMA including the current gradient (paper) or the previous EMA, starting from g1 (official code)")),
            "rho=0.2,sigma=1,lambda=0.6", (a, w) -> Sam.of(a.number("rho")).direction("fsam",
                    new FriendlySam(a.number("sigma"), a.number("lambda"), a.choice("form").equals("code"))));

    private final double sigma;
    private final double lambda;
    private final boolean codeForm;
    private Params m;

    public FriendlySam(double sigma, double lambda, boolean codeForm) {
        this.sigma = Hyper.finite("F-SAM sigma", sigma);
        this.lambda = Hyper.unitInterval("F-SAM lambda", lambda);
        this.codeForm = codeForm;
    }

    @Override
    public Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step) {
        Params d;
        if (codeForm) {
            if (m == null) {
                m = g1.copy();
                d = g1;
            } else {
                d = g1.copy().addScaled(-sigma, m);
                m.scale(lambda).addScaled(1 - lambda, g1);
            }
        } else {
            if (m == null) {
                m = g1.zerosLike();
            }
            m.scale(lambda).addScaled(1 - lambda, g1);
            d = g1.copy().addScaled(-sigma, m);
        }
        double n = d == g1 ? g1Norm : d.norm2();
        return n == 0 ? Ascent.NONE : new Ascent(rho / n, d);
    }

    /** m, the EMA (empty before the first step). */
    @Override
    public Map<String, INDArray> state() {
        return State.prefix(m == null ? null : m.asMap(), "m");
    }

    @Override
    public void loadState(Map<String, INDArray> state) {
        m = State.params(this, state, "m", m);
    }

    @Override
    public FriendlySam fresh() {
        return new FriendlySam(sigma, lambda, codeForm);
    }

    @Override
    public String toString() {
        return "sigma=" + sigma + ", lambda=" + lambda + (codeForm ? ", form=code" : "");
    }
}
