package org.gradreg.trainer.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of a training run (all of Table 3 of the harmful-GR paper among them), saved as
 * {@code config.json} in the run directory:
 * <pre>
 * { "model":     {"spec": "vit-nano:patch=7,layers=2", "dtype": "float"},
 *   "data":      {"spec": "fashion-mnist:train=10000,test=2000", "dir": null, "seed": 0, "trainLimit": 0, "testLimit": 0, "augment": true},
 *   "optimizer": {"rule": "adamw", "lr": 0.001, "weightDecay": 0.03, "schedule": {"name": "cosine", "warmupEpochs": 1.0}, "clip": 5.0},
 *   "estimator": {"name": "gr", "r": 0.1, "alpha": 0.8, "warmup": "zero"},
 *   "run":       {"epochs": 3, "batch": 128, "accumulate": 1, "labelSmoothing": 0.0, "seed": 0, "checkpointEvery": 0, "evalBatch": 0},
 *   "measure":   {"psiEvery": 0, "psiBatches": 16} }
 * </pre>
 * A setting is named by its path ({@code optimizer.lr}, {@code estimator.alpha}; {@link Settings}).
 * Ranges are checked by the records' constructors, names and keys when the run is planned.
 * {@link ConfigJson} reads configurations (the flat form of earlier versions too, {@link LegacyConfig}).
 */
public record TrainConfig(ModelConfig model, DataConfig data, OptimizerConfig optimizer, EstimatorConfig estimator, RunOptions run,
                          MeasureConfig measure) {

    public TrainConfig {
        Check.that(model != null && data != null && optimizer != null && estimator != null && run != null,
                "model, data, optimizer, estimator and run must all be given");
        measure = measure == null ? MeasureConfig.none() : measure; // config.json files written before measurements existed
        double warmup = optimizer.schedule().warmupEpochs();
        Check.that(warmup <= run.epochs(), "warmup epochs must be in [0, epochs = " + run.epochs() + "], got " + warmup);
    }

    /** LR warmup when none is given: 2 epochs, or a fifth of a run shorter than 10 epochs. */
    public static double defaultWarmup(int epochs) {
        return Math.min(2.0, epochs / 5.0);
    }

    /** Small defaults: vit-nano on the synthetic set, AdamW 1e-3 with warmup-cosine (2 epochs of 10), plain gradients. */
    public static TrainConfig defaults() {
        return new TrainConfig(new ModelConfig("vit-nano", "float"), new DataConfig("synthetic", null, 0, 0, 0, true),
                new OptimizerConfig("adamw", 1e-3, 0.03, new ScheduleConfig("cosine", defaultWarmup(10)), 5.0), EstimatorConfig.plain(),
                new RunOptions(10, 128, 1, 0.0, 0, 0, 0), MeasureConfig.none());
    }

    /**
     * This configuration with settings changed: pairs of a path and its value, e.g.
     * {@code with("optimizer.lr", 0.02, "run.seed", 5)}; an object value is merged into the
     * setting ({@link ConfigJson#set}). All changes are applied before the ranges are checked.
     */
    public TrainConfig with(String path, Object value, Object... more) {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put(path, value);
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("with(...) takes pairs of a path and a value, got " + (more.length + 2) + " arguments");
        }
        for (int i = 0; i < more.length; i += 2) {
            changes.put((String) more[i], more[i + 1]);
        }
        return ConfigJson.with(this, changes);
    }

    /** The same settings with another estimator. */
    public TrainConfig withEstimator(EstimatorConfig e) {
        return new TrainConfig(model, data, optimizer, e, run, measure);
    }

    /** A short label: update rule and estimator with its keys, e.g. {@code adamw gr(r=0.1,alpha=0.8) zero-warmup}. */
    @JsonIgnore
    public String method() {
        return optimizer.rule() + (estimator.name().equals("plain") ? "" : " " + estimator.label());
    }

    /** The settings in which this and {@code other} differ, as {@code path: this → other}; empty if none. */
    public List<String> differences(TrainConfig other) {
        Map<String, Object> a = Settings.of(this);
        Map<String, Object> b = Settings.of(other);
        List<String> out = new ArrayList<>();
        for (String k : Settings.union(a, b)) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(k + ": " + (a.containsKey(k) ? a.get(k) : "(none)") + " → " + (b.containsKey(k) ? b.get(k) : "(none)"));
            }
        }
        return out;
    }
}
