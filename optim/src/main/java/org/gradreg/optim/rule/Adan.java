package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adan, adaptive Nesterov momentum (Xie et al., 2022), as in the official code. Betas are the
 * code's retention factors (0.98, 0.92, 0.99) = 1 − the paper's. With d_t = g_t − g_{t−1}, d₁ = 0:
 * <pre>
 *   m ← β₁m + (1−β₁)g
 *   v ← β₂v + (1−β₂)d
 *   n ← β₃n + (1−β₃)(g + β₂d)²
 *   step = η/(1−β₁ᵗ),  step_d = η·β₂/(1−β₂ᵗ),  denom = √n/√(1−β₃ᵗ) + ε
 *   proximal (default, paper Algorithm 1): θ ← (θ − step·m/denom − step_d·v/denom) / (1 + ηλ)
 *   noProx:                                 θ ← θ(1 − ηλ) − step·m/denom − step_d·v/denom
 * </pre>
 * Optional in-optimizer clipping: g ← g·min(1, c/(‖g‖ + ε)) over all tensors. {@link #restart()}
 * zeroes m, v, n and the step count. With {@link #agr}, AGR's Ψ(g) feeds m (paper placement:
 * v and n keep g; code placement: Ψ(g) replaces g everywhere).
 */
public final class Adan extends AbstractRule implements FirstMoment {

    private static final Agr PSI = Agr.psi();

    /** Registry entry: {@code adan:beta1=…,beta2=…,beta3=…,eps=…,no_prox=…,max_grad_norm=…,mask=…,agr=…}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("adan",
            "Adan, adaptive Nesterov momentum (Xie et al. 2022), proximal decay",
            java.util.List.of(RuleKeys.beta("beta1", 0.98, "first-moment retention (code convention, 1 - paper's)"),
                    RuleKeys.beta("beta2", 0.92, "gradient-difference retention"), RuleKeys.beta("beta3", 0.99, "second-moment retention"),
                    RuleKeys.EPS, Key.flag("no_prox", false, "decoupled decay before the step instead of the proximal form"),
                    Key.number("max_grad_norm", 0.0, Range.NON_NEGATIVE, "in-optimizer global-norm clipping (0: off)"),
                    RuleKeys.MASK, RuleKeys.AGR),
            "no_prox=true,max_grad_norm=5", (lr, wd, a) -> {
                Adan r = Adan.of(lr).weightDecay(wd);
                if (a.given("beta1") || a.given("beta2") || a.given("beta3")) {
                    r = r.betas(a.number("beta1"), a.number("beta2"), a.number("beta3"));
                }
                if (a.given("eps")) {
                    r = r.eps(a.number("eps"));
                }
                if (a.flag("no_prox")) {
                    r = r.noProx();
                }
                if (a.given("max_grad_norm")) {
                    r = r.maxGradNorm(a.number("max_grad_norm"));
                }
                if (a.given("mask")) {
                    r = r.decayMask(RuleKeys.mask(a));
                }
                return RuleKeys.agr(a) == null ? r : r.agr(RuleKeys.agr(a));
            });

    private final double beta1;
    private final double beta2;
    private final double beta3;
    private final double eps;
    private final WeightDecay weightDecay;
    private final boolean noProx;
    private final double maxGradNorm;
    private final Agr.Placement agr;

    private Adan(Schedule lr, double beta1, double beta2, double beta3, double eps, WeightDecay weightDecay,
                 boolean noProx, double maxGradNorm, Agr.Placement agr) {
        super(lr, "prevGrad", "m", "v", "n");
        this.beta1 = Hyper.unitInterval("beta1", beta1);
        this.beta2 = Hyper.unitInterval("beta2", beta2);
        this.beta3 = Hyper.unitInterval("beta3", beta3);
        this.eps = Hyper.positive("eps", eps);
        this.weightDecay = weightDecay;
        this.noProx = noProx;
        this.maxGradNorm = Hyper.nonNegative("maxGradNorm", maxGradNorm);
        this.agr = agr;
    }

    public static Adan of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static Adan of(Schedule lr) {
        return new Adan(lr, 0.98, 0.92, 0.99, 1e-8, WeightDecay.NONE, false, 0, null);
    }

    public Adan betas(double b1, double b2, double b3) {
        return new Adan(lr, b1, b2, b3, eps, weightDecay, noProx, maxGradNorm, agr);
    }

    public Adan eps(double e) {
        return new Adan(lr, beta1, beta2, beta3, e, weightDecay, noProx, maxGradNorm, agr);
    }

    public Adan weightDecay(double lambda) {
        return weightDecay(Schedule.constant(Hyper.nonNegative("weightDecay", lambda)));
    }

    public Adan weightDecay(Schedule lambda) {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay.withRate(lambda), noProx, maxGradNorm, agr);
    }

    public Adan decayMask(DecayMask m) {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay.withMask(m), noProx, maxGradNorm, agr);
    }

    /** Decoupled decay before the step instead of the proximal form. */
    public Adan noProx() {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay, true, maxGradNorm, agr);
    }

    /** In-optimizer global-norm clipping at {@code c} (0: off). */
    public Adan maxGradNorm(double c) {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay, noProx, c, agr);
    }

    public Adan agr(Agr.Placement placement) {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay, noProx, maxGradNorm, placement);
    }

    @Override
    public Agr.Placement agrPlacement() {
        return agr;
    }

    /** Zeroes m, v, n and the step count (Adan's restart condition). */
    public void restart() {
        reset();
    }

    /** m, the first moment (not bias-corrected). */
    @Override
    public Map<String, INDArray> firstMoment() {
        return slots("m");
    }

    @Override
    public Adan fresh() {
        return new Adan(lr, beta1, beta2, beta3, eps, weightDecay, noProx, maxGradNorm, agr);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        double wd = weightDecay.at(step);
        // the clipping factor is applied inside the fused pass where that runs (same rounding: g·(T) c)
        double clip = 1;
        if (maxGradNorm > 0) {
            double norm = gradient.norm2();
            double coef = Math.min(1.0, maxGradNorm / (norm + eps));
            if (coef < 1) {
                clip = coef;
            }
        }
        boolean fused = FusedUpdates.enabled() && agr == null && fusable(params, gradient);
        if (clip != 1 && !fused) {
            gradient.scale(clip);
        }
        long t = ++count;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        double bc3Sqrt = Math.sqrt(1 - Math.pow(beta3, t));
        double stepSize = eta / bc1;
        double stepSizeDiff = eta * beta2 / bc2;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            INDArray g = gradient.get(name);
            if (agr == Agr.Placement.CODE) {
                g = PSI.applyInto(g, scratch("agr", name, g));
            }
            boolean first = !hasSlot("prevGrad", name);
            INDArray prev = slot("prevGrad", name, theta);
            if (fused) {
                boolean decays = weightDecay.decays(wd, name, theta);
                double factor = noProx ? 1 - eta * wd : 1 + eta * wd;
                FusedUpdates.AdanStep s = new FusedUpdates.AdanStep(beta1, beta2, beta3, eps, bc3Sqrt, stepSize, stepSizeDiff, clip,
                        factor, decays, !noProx);
                if (!FusedUpdates.adan(theta, g, g, prev, first, slot("m", name, theta), slot("v", name, theta), slot("n", name, theta), s)) {
                    throw new IllegalStateException("Adan: the fused update refused tensor '" + name + "' after its layout was checked");
                }
                continue;
            }
            INDArray d = scratch("d", name, theta);
            if (first) {
                d.assign(0);
            } else {
                g.sub(prev, d);
            }
            prev.assign(g);
            INDArray m = slot("m", name, theta);
            INDArray v = slot("v", name, theta);
            INDArray n = slot("n", name, theta);
            INDArray forM = agr == Agr.Placement.PAPER ? PSI.applyInto(g, scratch("agr", name, g)) : g;
            m.muli(beta1);
            axpy(1 - beta1, forM, m);
            v.muli(beta2);
            axpy(1 - beta2, d, v);
            INDArray tmp = scratch("tmp", name, theta).assign(g);
            axpy(beta2, d, tmp);
            tmp.muli(tmp);
            n.muli(beta3);
            axpy(1 - beta3, tmp, n);
            INDArray denom = Transforms.sqrt(tmp.assign(n), false).divi(bc3Sqrt).addi(eps);
            // d is no longer needed: reuse it for the update
            INDArray update = d.assign(m).muli(stepSize);
            axpy(stepSizeDiff, v, update);
            update.divi(denom);
            boolean decays = weightDecay.decays(wd, name, theta);
            if (noProx) {
                if (decays) {
                    theta.muli(1 - eta * wd);
                }
                theta.subi(update);
            } else {
                theta.subi(update);
                if (decays) {
                    theta.divi(1 + eta * wd);
                }
            }
        }
    }

    /**
     * Whether every tensor, its gradient and its state (existing, or created 'c'-ordered at the
     * first step) allow the one-pass update; decided for all tensors before any is changed, since
     * the clipping factor is applied either in the pass or by scaling the gradient first.
     */
    private boolean fusable(Params params, Params gradient) {
        for (Map.Entry<String, INDArray> e : params) {
            INDArray theta = e.getValue();
            INDArray g = gradient.get(e.getKey());
            if (!FusedUpdates.sameDenseLayout(theta, g)) {
                return false;
            }
            for (String kind : new String[] {"prevGrad", "m", "v", "n"}) {
                INDArray s = hasSlot(kind, e.getKey()) ? slot(kind, e.getKey(), theta) : null;
                if (s != null ? !FusedUpdates.sameDenseLayout(theta, s) : !isVectorOrC(theta)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isVectorOrC(INDArray a) {
        return a.ordering() == 'c' || a.length() == Math.max(1, java.util.Arrays.stream(a.shape()).max().orElse(1));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Adan(lr=").append(lr);
        if (beta1 != 0.98 || beta2 != 0.92 || beta3 != 0.99) {
            s.append(", betas=(").append(beta1).append(", ").append(beta2).append(", ").append(beta3).append(')');
        }
        if (!weightDecay.isNone()) {
            s.append(", weightDecay=").append(weightDecay.rate()).append(noProx ? ", noProx" : ", proximal");
        }
        if (maxGradNorm > 0) {
            s.append(", maxGradNorm=").append(maxGradNorm);
        }
        if (agr != null) {
            s.append(", agr=").append(agr);
        }
        return s.append(')').toString();
    }
}
