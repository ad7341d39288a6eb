package org.gradreg.trainer.config;

/**
 * The optimizer: update rule, learning rate with its schedule, weight decay and clipping. The
 * learning rate's range is checked here, once; names and keys when the run is planned.
 *
 * @param rule        update rule spec (sgd, sgd-nesterov, adam, adamw, adams, rmsprop, adan, with keys: {@code sgd:momentum=0.9})
 * @param lr          peak learning rate (&gt; 0)
 * @param weightDecay weight decay, of the rule's kind (coupled, decoupled, scheduled, proximal)
 * @param schedule    the LR schedule and warmup
 * @param clip        global-norm clipping threshold (0: off)
 */
public record OptimizerConfig(String rule, double lr, double weightDecay, ScheduleConfig schedule, double clip) {

    public OptimizerConfig {
        Check.that(rule != null && !rule.isBlank(), "optimizer must be given");
        Check.that(lr > 0 && Double.isFinite(lr), "learning rate must be positive and finite, got " + lr);
        Check.that(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
        Check.that(schedule != null, "the LR schedule must be given");
        Check.that(clip >= 0, "clip must be >= 0 (0: off), got " + clip);
    }
}
