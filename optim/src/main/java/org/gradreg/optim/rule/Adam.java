package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam (Kingma &amp; Ba, 2015; harmful-GR paper eq. 5 for m̂ and the adaptive rate ψ = 1/√v̂):
 * <pre>
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
 *   θ ← θ − η_t · m̂ / (√v̂ + ε)
 * </pre>
 * Defaults η = 1e-3, β = (0.9, 0.999), ε = 1e-8. With {@link #agr} the first moment takes AGR's
 * Ψ(g) (see {@link Agr}). torch's coupled {@code weight_decay} is the
 * {@link org.gradreg.optim.transform.AddDecayedWeights} transform before the rule; for decoupled
 * decay use {@link AdamW}.
 */
public final class Adam extends AdamFamily<Adam> {

    /** Registry entry: {@code adam:beta1=…,beta2=…,eps=…,mask=all|no-1d,agr=none|paper|code}. */
    public static final Entry<RuleFactory> ENTRY = new Entry<RuleFactory>("adam",
            "Adam (Kingma & Ba 2015); a weight decay is coupled L2 (add_decayed_weights) before it", RuleKeys.ADAM,
            "beta1=0.9,beta2=0.999", (lr, wd, a) -> RuleKeys.coupled(wd, a, RuleKeys.adam(Adam.of(lr), a)));

    private Adam(Schedule lr, AdamConfig c) {
        super(lr, c);
    }

    @Override
    Adam with(Schedule lr, AdamConfig config) {
        return new Adam(lr, config);
    }

    public static Adam of(double lr) {
        return of(Schedule.constant(Hyper.nonNegative("lr", lr)));
    }

    public static Adam of(Schedule lr) {
        return new Adam(lr, AdamConfig.DEFAULT);
    }

    @Override
    public void apply(Params params, Params gradient, long step) {
        params.requireSameNames(gradient);
        double eta = lrAt(step);
        long t = ++count;
        for (Map.Entry<String, INDArray> e : params) {
            String name = e.getKey();
            INDArray theta = e.getValue();
            INDArray g = gradient.get(name);
            if (AdamMoments.fusedUpdate(this, c, name, theta, g, eta, t, 1, false)) {
                continue;
            }
            axpy(-1, AdamMoments.updateAndStep(this, c, name, g, eta, t), theta);
        }
    }
}
