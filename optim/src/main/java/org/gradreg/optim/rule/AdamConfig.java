package org.gradreg.optim.rule;

import org.gradreg.optim.Hyper;
import org.gradreg.optim.schedule.Constant;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;

/**
 * Hyper-parameters shared by the Adam family (Adam, AdamW, AdamS): β₁, β₂, ε, the rule's own
 * weight decay λ with its mask (AdamW, AdamS; always 0 for Adam), and where AGR's Ψ enters (null:
 * no AGR).
 */
record AdamConfig(double beta1, double beta2, double eps, Schedule weightDecay, DecayMask mask, Agr.Placement agr) {

    static final AdamConfig DEFAULT = new AdamConfig(0.9, 0.999, 1e-8, Schedule.constant(0), DecayMask.all(), null);

    AdamConfig {
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.positive("eps", eps);
    }

    AdamConfig betas(double b1, double b2) {
        return new AdamConfig(b1, b2, eps, weightDecay, mask, agr);
    }

    AdamConfig eps(double e) {
        return new AdamConfig(beta1, beta2, e, weightDecay, mask, agr);
    }

    AdamConfig weightDecay(Schedule wd) {
        return new AdamConfig(beta1, beta2, eps, wd, mask, agr);
    }

    AdamConfig mask(DecayMask m) {
        return new AdamConfig(beta1, beta2, eps, weightDecay, m, agr);
    }

    AdamConfig agr(Agr.Placement p) {
        return new AdamConfig(beta1, beta2, eps, weightDecay, mask, p);
    }

    /** The rule's weight decay and its mask. */
    WeightDecay decay() {
        return new WeightDecay(weightDecay, mask);
    }

    boolean hasDecay() {
        return !(weightDecay instanceof Constant c && c.value() == 0);
    }

    String describe(Schedule lr) {
        StringBuilder s = new StringBuilder("lr=").append(lr);
        if (beta1 != 0.9 || beta2 != 0.999) {
            s.append(", betas=(").append(beta1).append(", ").append(beta2).append(')');
        }
        if (eps != 1e-8) {
            s.append(", eps=").append(eps);
        }
        if (hasDecay()) {
            s.append(", weightDecay=").append(weightDecay).append(", mask=").append(mask);
        }
        if (agr != null) {
            s.append(", agr=").append(agr);
        }
        return s.toString();
    }
}
