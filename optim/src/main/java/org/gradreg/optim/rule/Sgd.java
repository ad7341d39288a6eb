package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.optim.schedule.Schedule;
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

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final Schedule weightDecay;
    private final DecayMask mask;

    private Sgd(Schedule lr, double momentum, double dampening, boolean nesterov, Schedule weightDecay, DecayMask mask) {
        super(lr);
        this.momentum = Hyper.unitInterval("momentum", momentum);
        this.dampening = Hyper.unitInterval("dampening", dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
        }
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.mask = mask;
    }

    /** Plain SGD with learning rate {@code lr}. */
    public static Sgd of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static Sgd of(Schedule lr) {
        return new Sgd(lr, 0, 0, false, Schedule.constant(0), DecayMask.all());
    }

    public Sgd momentum(double mu) {
        return new Sgd(lr, mu, dampening, nesterov, weightDecay, mask);
    }

    public Sgd dampening(double tau) {
        return new Sgd(lr, momentum, tau, nesterov, weightDecay, mask);
    }

    public Sgd nesterov() {
        return new Sgd(lr, momentum, dampening, true, weightDecay, mask);
    }

    public Sgd weightDecay(double lambda) {
        return weightDecay(Schedule.constant(Hyper.nonNegative("weightDecay", lambda)));
    }

    public Sgd weightDecay(Schedule lambda) {
        return new Sgd(lr, momentum, dampening, nesterov, lambda, mask);
    }

    public Sgd decayMask(DecayMask m) {
        return new Sgd(lr, momentum, dampening, nesterov, weightDecay, m);
    }

    @Override
    public Sgd fresh() {
        return new Sgd(lr, momentum, dampening, nesterov, weightDecay, mask);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        double wd = Hyper.nonNegativeAt("weightDecay", weightDecay, step);
        count++;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            INDArray g = gradient.get(name);
            if (wd != 0 && mask.decays(name, theta)) {
                axpy(wd, theta, g);
            }
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
        if (!(weightDecay instanceof org.gradreg.optim.schedule.Constant c && c.value() == 0)) {
            s.append(", weightDecay=").append(weightDecay).append(", mask=").append(mask);
        }
        return s.append(')').toString();
    }
}
