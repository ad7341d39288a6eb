package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSProp (Tieleman &amp; Hinton, 2012), in torch.optim.RMSprop's form without centering:
 * <pre>
 *   v ← ρ_v·v + (1 − ρ_v)·g²
 *   b ← μ·b + g/(√v + ε)  and  θ ← θ − η_t·b   (momentum μ > 0)
 *   θ ← θ − η_t · g/(√v + ε)                   (μ = 0)
 * </pre>
 * ρ_v = {@code decay} (default 0.99, torch), ε = 1e-8, μ = 0. torch's coupled {@code weight_decay}
 * is the {@link org.gradreg.optim.transform.AddDecayedWeights} transform before the rule.
 */
public final class RmsProp extends AbstractRule implements AdaptiveRate {

    /** Registry entry: {@code rmsprop:decay=…,eps=…,momentum=…,mask=all|no-1d}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("rmsprop",
            "RMSProp without centering (Tieleman & Hinton 2012; torch.optim.RMSprop); a weight decay is coupled L2 (add_decayed_weights) before it",
            java.util.List.of(Key.number("decay", 0.99, Range.UNIT, "squared-gradient retention rho_v (torch's alpha)"), RuleKeys.EPS,
                    Key.number("momentum", 0.0, Range.UNIT, "momentum mu"), RuleKeys.MASK),
            "decay=0.9,momentum=0.5", (lr, wd, a) -> {
                RmsProp r = RmsProp.of(lr);
                if (a.given("decay")) {
                    r = r.decay(a.number("decay"));
                }
                if (a.given("eps")) {
                    r = r.eps(a.number("eps"));
                }
                if (a.given("momentum")) {
                    r = r.momentum(a.number("momentum"));
                }
                return RuleKeys.coupled(wd, a, r);
            });

    private final double decay;
    private final double eps;
    private final double momentum;

    private RmsProp(Schedule lr, double decay, double eps, double momentum) {
        super(lr, "v", "momentum");
        this.decay = Hyper.unitInterval("decay", decay);
        this.eps = Hyper.positive("eps", eps);
        this.momentum = Hyper.unitInterval("momentum", momentum);
    }

    public static RmsProp of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static RmsProp of(Schedule lr) {
        return new RmsProp(lr, 0.99, 1e-8, 0);
    }

    public RmsProp decay(double rhoV) {
        return new RmsProp(lr, rhoV, eps, momentum);
    }

    public RmsProp eps(double e) {
        return new RmsProp(lr, decay, e, momentum);
    }

    public RmsProp momentum(double mu) {
        return new RmsProp(lr, decay, eps, mu);
    }

    @Override
    public RmsProp fresh() {
        return new RmsProp(lr, decay, eps, momentum);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        count++;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            INDArray g = gradient.get(name);
            INDArray v = slot("v", name, theta);
            INDArray tmp = scratch("tmp", name, theta);
            g.mul(g, tmp);
            v.muli(decay);
            axpy(1 - decay, tmp, v);
            Transforms.sqrt(tmp.assign(v), false).addi(eps);
            INDArray dir = g.div(tmp, tmp);
            if (momentum != 0) {
                INDArray b = slot("momentum", name, theta);
                b.muli(momentum).addi(dir);
                dir = b;
            }
            axpy(-eta, dir, theta);
        }
    }

    /** ψ = 1/(√v + ε), as in the step (no bias correction, as torch.optim.RMSprop). */
    @Override
    public double[] psiMoments() {
        if (count == 0) {
            return new double[] {0, Double.NaN, Double.NaN};
        }
        return AdaptiveRate.moments(slots("v"), (name, v) -> Transforms.sqrt(scratch("psi", name, v).assign(v), false).addi(eps).rdivi(1.0));
    }

    @Override
    public INDArray nextPsi(String name, INDArray g) {
        INDArray v = slots("v").get(name);
        INDArray next = g.mul(g).muli(1 - decay);
        if (v != null) {
            next.addi(v.mul(decay));
        }
        return Transforms.sqrt(next, false).addi(eps).rdivi(1.0);
    }

    @Override
    public INDArray secondMomentEstimate(String name) {
        INDArray v = slots("v").get(name);
        return count == 0 || v == null ? null : v.dup();
    }

    @Override
    public double psiEps() {
        return eps;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RmsProp(lr=").append(lr);
        if (decay != 0.99) {
            s.append(", decay=").append(decay);
        }
        if (momentum != 0) {
            s.append(", momentum=").append(momentum);
        }
        return s.append(')').toString();
    }
}
