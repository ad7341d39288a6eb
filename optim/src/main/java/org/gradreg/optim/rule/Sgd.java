package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and dampening, following
 * torch.optim.SGD (Sutskever et al., 2013 for the momentum form):
 * <pre>
 *   b ← g                    at the first step,  b ← μ·b + (1 − τ)·g  after
 *   g ← g + μ·b  (Nesterov)  or  g ← b
 *   θ ← θ − η_t·g
 * </pre>
 * μ = {@code momentum}, τ = {@code dampening}, η_t = {@code lr}. torch's coupled
 * {@code weight_decay} (g ← g + λ·θ first) is the {@link org.gradreg.optim.transform.AddDecayedWeights} transform before the
 * rule: the CNN setting of the GR paper is
 * {@code AddDecayedWeights.of(1e-3, DecayMask.all()).before(Sgd.of(0.1).momentum(0.9).nesterov())}.
 */
public final class Sgd extends AbstractRule implements FirstMoment {

    /** Registry entry: {@code sgd:momentum=…,dampening=…,nesterov=true|false,mask=all|no-1d}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("sgd",
            "SGD with momentum, dampening and Nesterov (torch.optim.SGD); a weight decay is coupled L2 (add_decayed_weights) before it",
            java.util.List.of(Key.number("momentum", 0.0, Range.UNIT, "momentum mu"),
                    Key.number("dampening", 0.0, Range.UNIT, "dampening tau"),
                    Key.flag("nesterov", false, "Nesterov momentum (needs momentum > 0, dampening = 0)"), RuleKeys.MASK),
            "momentum=0.9,nesterov=true", (lr, wd, a) -> RuleKeys.coupled(wd, a, Sgd.configured(Sgd.of(lr), a)));

    /** Registry entry: SGD with Nesterov momentum 0.9 (the GR paper's CNN setting). */
    public static final Entry<RuleFactory> NESTEROV_ENTRY = new Entry<RuleFactory>("sgd-nesterov",
            "SGD with Nesterov momentum (default 0.9); a weight decay is coupled L2 (add_decayed_weights) before it",
            java.util.List.of(Key.number("momentum", 0.9, new Range(0, false, 1, false), "momentum mu"), RuleKeys.MASK),
            "momentum=0.9", (lr, wd, a) -> RuleKeys.coupled(wd, a, Sgd.of(lr).momentum(a.number("momentum")).nesterov()));

    private static Sgd configured(Sgd s, org.gradreg.common.registry.Args a) {
        Sgd r = s;
        if (a.given("momentum")) {
            r = r.momentum(a.number("momentum"));
        }
        if (a.given("dampening")) {
            r = r.dampening(a.number("dampening"));
        }
        return a.flag("nesterov") ? r.nesterov() : r;
    }

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    private Sgd(Schedule lr, double momentum, double dampening, boolean nesterov) {
        super(lr, "momentum");
        this.momentum = Hyper.unitInterval("momentum", momentum);
        this.dampening = Hyper.unitInterval("dampening", dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
        }
        this.nesterov = nesterov;
    }

    /** Plain SGD with learning rate {@code lr}. */
    public static Sgd of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static Sgd of(Schedule lr) {
        return new Sgd(lr, 0, 0, false);
    }

    public Sgd momentum(double mu) {
        return new Sgd(lr, mu, dampening, nesterov);
    }

    public Sgd dampening(double tau) {
        return new Sgd(lr, momentum, tau, nesterov);
    }

    public Sgd nesterov() {
        return new Sgd(lr, momentum, dampening, true);
    }

    /** The momentum buffers b (none without momentum). */
    @Override
    public Map<String, INDArray> firstMoment() {
        return slots("momentum");
    }

    @Override
    public boolean keepsFirstMoment() {
        return momentum != 0;
    }

    @Override
    public Sgd fresh() {
        return new Sgd(lr, momentum, dampening, nesterov);
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
            if (momentum != 0) {
                boolean first = !hasSlot("momentum", name);
                INDArray b = slot("momentum", name, theta);
                if (FusedUpdates.sgdMomentum(theta, g, b, first, momentum, dampening, nesterov, eta)) {
                    continue;
                }
                if (first) {
                    b.assign(g);
                } else {
                    b.muli(momentum);
                    axpy(1 - dampening, g, b);
                }
                if (nesterov) {
                    axpy(momentum, b, g);
                } else {
                    g = b;
                }
            }
            axpy(-eta, g, theta);
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Sgd(lr=").append(lr);
        if (momentum != 0) {
            s.append(", momentum=").append(momentum);
        }
        if (dampening != 0) {
            s.append(", dampening=").append(dampening);
        }
        if (nesterov) {
            s.append(", nesterov");
        }
        return s.append(')').toString();
    }
}
