package org.gradreg.trainer.config;

/**
 * The learning-rate schedule: its name in optim's schedule registry and the LR warmup.
 *
 * @param name         cosine (warmup + cosine to 0, the papers') | constant (warmup then constant)
 * @param warmupEpochs LR warmup in epochs (at most the run's epochs)
 */
public record ScheduleConfig(String name, double warmupEpochs) {

    public ScheduleConfig {
        name = name == null ? "cosine" : name;
        Check.that(warmupEpochs >= 0 && Double.isFinite(warmupEpochs), "warmup epochs must be >= 0, got " + warmupEpochs);
    }
}
