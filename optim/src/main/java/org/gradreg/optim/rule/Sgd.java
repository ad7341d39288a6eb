package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.optim.registry.Entry;
import org.gradreg.optim.registry.Key;
import org.gradreg.optim.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum, dampening and coupled L2 decay,
 * following torch.optim.SGD (Sutskever et al., 2013 for the momentum form):
 * <pre>
 *   g ← g + λ·θ                          (coupled L2, masked)
 *   b ← g                    at the first step,  b ← μ·b + (1 − τ)·g  after
 *   g ← g + μ·b  (Nesterov)  or  g ← b
 *   θ ← θ − η_t·g
 * </pre>
 * μ = {@code momentum}, τ = {@code dampening}, λ = {@code weightDecay}, η_t = {@code lr}.
 * The CNN setting of the GR paper is {@code Sgd.of(0.1).momentum(0.9).nesterov().weightDecay(1e-3)}.
 */
public final class Sgd extends AbstractRule {

    /** Registry entry: {@code sgd:momentum=…,dampening=…,nesterov=true|false,mask=all|no-1d}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("sgd",
            "SGD with momentum, dampening, Nesterov and coupled L2 decay (torch.optim.SGD)",
            java.util.List.of(Key.number("momentum", 0.0, Range.UNIT, "momentum mu"),
                    Key.number("dampening", 0.0, Range.UNIT, "dampening tau"),
                    Key.flag("nesterov", false, "Nesterov momentum (needs momentum > 0, dampening = 0)"), RuleKeys.MASK),
            "momentum=0.9,nesterov=true", (lr, wd, a) -> Sgd.configured(Sgd.of(lr).weightDecay(wd), a));

    /** Registry entry: SGD with Nesterov momentum 0.9 (the GR paper's CNN setting). */
    public static final Entry<RuleFactory> NESTEROV_ENTRY = new Entry<RuleFactory>("sgd-nesterov",
            "SGD with Nesterov momentum (default 0.9) and coupled L2 decay",
            java.util.List.of(Key.number("momentum", 0.9, new Range(0, false, 1, false), "momentum mu"), RuleKeys.MASK),
            "momentum=0.9", (lr, wd, a) -> {
                Sgd s = Sgd.of(lr).momentum(a.number("momentum")).nesterov().weightDecay(wd);
                return a.given("mask") ? s.decayMask(RuleKeys.mask(a)) : s;
            });

    private static Sgd configured(Sgd s, org.gradreg.optim.registry.Args a) {
        Sgd r = s;
        if (a.given("momentum")) {
            r = r.momentum(a.number("momentum"));
        }
        if (a.given("dampening")) {
            r = r.dampening(a.number("dampening"));
        }
        if (a.flag("nesterov")) {
            r = r.nesterov();
        }
        return a.given("mask") ? r.decayMask(RuleKeys.mask(a)) : r;
    }

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final AddDecayedWeights decay;

    private Sgd(Schedule lr, double momentum, double dampening, boolean nesterov, AddDecayedWeights decay) {
        super(lr, "momentum");
        this.momentum = Hyper.unitInterval("momentum", momentum);
        this.dampening = Hyper.unitInterval("dampening", dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
        }
        this.nesterov = nesterov;
        this.decay = decay;
    }

    /** Plain SGD with learning rate {@code lr}. */
    public static Sgd of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static Sgd of(Schedule lr) {
        return new Sgd(lr, 0, 0, false, AddDecayedWeights.NONE);
    }

    public Sgd momentum(double mu) {
        return new Sgd(lr, mu, dampening, nesterov, decay);
    }

    public Sgd dampening(double tau) {
        return new Sgd(lr, momentum, tau, nesterov, decay);
    }

    public Sgd nesterov() {
        return new Sgd(lr, momentum, dampening, true, decay);
    }

    public Sgd weightDecay(double lambda) {
        return weightDecay(Schedule.constant(Hyper.nonNegative("weightDecay", lambda)));
    }

    public Sgd weightDecay(Schedule lambda) {
        return new Sgd(lr, momentum, dampening, nesterov, decay.withRate(lambda));
    }

    public Sgd decayMask(DecayMask m) {
        return new Sgd(lr, momentum, dampening, nesterov, decay.withMask(m));
    }

    @Override
    public Sgd fresh() {
        return new Sgd(lr, momentum, dampening, nesterov, decay);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        decay.apply(gradient, params, step);
        count++;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            INDArray g = gradient.get(name);
            if (momentum != 0) {
                boolean first = !hasSlot("momentum", name);
                INDArray b = slot("momentum", name, theta);
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
        if (!decay.isNone()) {
            s.append(", weightDecay=").append(decay.weightDecay()).append(", mask=").append(decay.mask());
        }
        return s.append(')').toString();
    }
}
