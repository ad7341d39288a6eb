package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamS, Adam with scheduled weight decay (SWD paper, Xie et al. 2023, Algorithm 2 as in the
 * official code; formulas in docs/references.md since the paper text lost them):
 * <pre>
 *   m, v, m̂, v̂ as in Adam
 *   s = sqrt( mean of v̂ over every element of every parameter )
 *   θ ← (1 − η_t·λ/s)·θ                      (decay first, masked)
 *   θ ← θ − η_t · m̂ / (√v̂ + ε)
 * </pre>
 * Defaults η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-4 (the papers' CIFAR runs use 5e-4).
 * The code divides by s unguarded; here a step with s = 0 (no gradient seen yet) skips the decay.
 */
public final class AdamS extends AdamWithDecay<AdamS> {

    /** Registry entry: {@code adams:beta1=…,beta2=…,eps=…,mask=all|no-1d,agr=none|paper|code}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("adams",
            "Adam with scheduled weight decay (Xie et al. 2023, SWD)", RuleKeys.ADAM, "mask=no-1d",
            (lr, wd, a) -> RuleKeys.decaying(AdamS.of(lr).weightDecay(wd), a));

    private AdamS(Schedule lr, AdamConfig c) {
        super(lr, c);
    }

    @Override
    AdamS with(Schedule lr, AdamConfig config) {
        return new AdamS(lr, config);
    }

    public static AdamS of(double lr, double weightDecay) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr))).weightDecay(weightDecay);
    }

    public static AdamS of(Schedule lr) {
        return new AdamS(lr, AdamConfig.DEFAULT.weightDecay(Schedule.constant(1e-4)));
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        WeightDecay decay = c.decay();
        double wd = decay.at(step);
        long t = ++count;
        double sumVHat = 0;
        Map<String, INDArray> steps = new java.util.HashMap<>();
        for (Map.Entry<String, INDArray> e : params) {
            steps.put(e.getKey(), AdamMoments.updateAndStep(this, c, e.getKey(), gradient.get(e.getKey()), eta, t));
            sumVHat += AdamMoments.sumVHat(this, c, e.getKey(), e.getValue(), t);
        }
        double s = Math.sqrt(sumVHat / params.numel());
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            if (s > 0 && decay.decays(wd, name, theta)) {
                theta.muli(1 - eta * wd / s);
            }
            axpy(-1, steps.get(name), theta);
        }
    }
}
