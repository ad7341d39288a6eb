package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamW, Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019; torch.optim.AdamW):
 * <pre>
 *   θ ← θ·(1 − η_t·λ)                        (masked; decay scaled by the scheduled lr)
 *   m, v, m̂, v̂ as in Adam
 *   θ ← θ − η_t · m̂ / (√v̂ + ε)
 * </pre>
 * This is how the authors' GR code runs "Adam" (decay 0.03 on all parameters in Table 3).
 * With {@link #agr} it is AdamW+AGR (AGR paper Algorithm 2, or the official code's placement).
 */
public final class AdamW extends AdamWithDecay<AdamW> {

    /** Registry entry: {@code adamw:beta1=…,beta2=…,eps=…,mask=all|no-1d,agr=none|paper|code}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("adamw",
            "Adam with decoupled weight decay (Loshchilov & Hutter 2019)", RuleKeys.ADAM, "beta1=0.95,eps=1e-6",
            (lr, wd, a) -> RuleKeys.decaying(AdamW.of(lr).weightDecay(wd), a));

    private AdamW(Schedule lr, AdamConfig c) {
        super(lr, c);
    }

    @Override
    AdamW with(Schedule lr, AdamConfig config) {
        return new AdamW(lr, config);
    }

    public static AdamW of(double lr, double weightDecay) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr))).weightDecay(weightDecay);
    }

    public static AdamW of(Schedule lr) {
        return new AdamW(lr, AdamConfig.DEFAULT.weightDecay(Schedule.constant(1e-2)));
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        WeightDecay decay = c.decay();
        double wd = decay.at(step);
        long t = ++count;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            boolean decays = decay.decays(wd, name, theta);
            if (AdamMoments.fusedUpdate(this, c, name, theta, gradient.get(name), eta, t, 1 - eta * wd, decays)) {
                continue;
            }
            INDArray adamStep = AdamMoments.updateAndStep(this, c, name, gradient.get(name), eta, t);
            if (decays) {
                theta.muli(1 - eta * wd);
            }
            axpy(-1, adamStep, theta);
        }
    }
}
