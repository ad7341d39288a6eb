package org.gradreg.trainer.loop;

import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Registries;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.optim.estimator.StepContext;
import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Registry;
import org.gradreg.optim.rule.RuleFactory;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.OptimizerConfig;

/**
 * A run's optimizer, parsed once from its configuration: the update rule with the LR schedule
 * (warmup and length in steps) and weight decay, the estimator with the loop's
 * {@link StepContext}, and clipping. {@link #create} builds an optimizer from the parsed parts
 * (the run's, and on resume a probe of the state layout); building the first one, when the run is
 * planned, checks every key and range that only the parts themselves know.
 */
public final class OptimizerFactory {

    private final Registry.Parsed<RuleFactory> rule;
    private final Schedule lr;
    private final double weightDecay;
    private final Entry<EstimatorFactory> estimator;
    private final Args estimatorArgs;
    private final StepContext steps;
    private final double clip;

    private OptimizerFactory(Registry.Parsed<RuleFactory> rule, Schedule lr, double weightDecay, Entry<EstimatorFactory> estimator,
                             Args estimatorArgs, StepContext steps, double clip) {
        this.rule = rule;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.estimator = estimator;
        this.estimatorArgs = estimatorArgs;
        this.steps = steps;
        this.clip = clip;
    }

    /** Parses {@code o} and {@code e} for a run of {@code stepsPerEpoch} × {@code epochs} steps; a bad name or key throws naming it. */
    static OptimizerFactory of(OptimizerConfig o, EstimatorConfig e, int stepsPerEpoch, int epochs) {
        long total = (long) epochs * stepsPerEpoch;
        long warm = Math.round(o.schedule().warmupEpochs() * stepsPerEpoch);
        Schedule lr = Optim.schedule(o.schedule().name(), o.lr(), warm, total);
        Entry<EstimatorFactory> entry = Registries.ESTIMATORS.entry(e.name());
        Args args = entry.args(Optim.keyValues(e.spec()));
        OptimizerFactory f = new OptimizerFactory(Registries.RULES.parse(o.rule()), lr, o.weightDecay(), entry, args,
                new StepContext(stepsPerEpoch, warm, total), o.clip());
        f.create(); // the parts check what only they know (gr's alpha or lambda, its warmup's length, …)
        return f;
    }

    /** A new optimizer: estimator → clipping → update rule. */
    public Optimizer create() {
        Optimizer opt = Optim.optimizer(rule.factory().create(lr, weightDecay, rule.args())).estimator(estimator.factory().create(estimatorArgs, steps));
        return clip > 0 ? opt.transform(Optim.clip(clip)) : opt;
    }
}
