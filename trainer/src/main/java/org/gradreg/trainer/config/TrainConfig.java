package org.gradreg.trainer.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Every hyper-parameter of a training run (all of Table 3 of the harmful-GR paper among them),
 * saved as {@code config.json} in the run directory.
 *
 * @param model           model spec, e.g. {@code vit-ti} or {@code vit-nano:layers=2}
 * @param dataset         synthetic | synthetic-small | cifar10 | cifar100 | cifar100-coarse | fashion-mnist (options
 *                        after a colon: synthetic:train=N,..., fashion-mnist:train=N,test=M)
 * @param dataDir         CIFAR or Fashion-MNIST directory (null for synthetic; for Fashion-MNIST, null means
 *                        /usr/share/datasets/fashion-mnist)
 * @param dataSeed        seed of the synthetic set and of Fashion-MNIST subsets (fixed across run seeds by default)
 * @param trainLimit      use only the first n training images (0: all)
 * @param testLimit       use only the first n test images (0: all)
 * @param optimizer       update rule name (sgd, sgd-nesterov, adam, adamw, adams, rmsprop, adan)
 * @param lr              peak learning rate
 * @param weightDecay     weight decay (the rule's kind: coupled, decoupled, scheduled, proximal)
 * @param lrSchedule      cosine (warmup + cosine to 0, the papers') | constant (warmup then constant)
 * @param batch           batch size
 * @param epochs          epochs
 * @param warmupEpochs    LR warmup epochs
 * @param estimator       plain | sam | asam | gr | gnr | sam+gnr
 * @param estimatorSpec   its hyper-parameters, e.g. {@code r=0.1,alpha=0.8}
 * @param grWarmup        none | r | lambda | zero
 * @param grWarmupEpochs  GR warmup length in epochs (negative: the LR warmup's)
 * @param clip            global-norm clipping threshold (0: off)
 * @param labelSmoothing  label smoothing ε
 * @param augment         the data set's augmentation (pad-crop-flip; Fashion-MNIST: pad-crop)
 * @param seed            run seed: initialisation, shuffling, augmentation, dropout
 * @param dtype           float | double
 * @param checkpointEvery checkpoint every n steps (0: at epoch ends only)
 * @param evalBatch       evaluation batch size (0: the training batch)
 * @param accumulate      micro-batches per optimizer step (gradient accumulation; 0 in an older config.json means 1)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainConfig(String model, String dataset, String dataDir, long dataSeed, int trainLimit, int testLimit,
                          String optimizer, double lr, double weightDecay, String lrSchedule, int batch, int epochs,
                          double warmupEpochs, String estimator, String estimatorSpec, String grWarmup, double grWarmupEpochs,
                          double clip, double labelSmoothing, boolean augment, long seed, String dtype, int checkpointEvery,
                          int evalBatch, int accumulate) {

    /** Impossible settings are refused here, naming the setting, before any data is read. */
    public TrainConfig {
        require(model != null && !model.isBlank(), "model must be given");
        require(dataset != null && !dataset.isBlank(), "dataset must be given");
        require(batch >= 1, "batch must be at least 1, got " + batch);
        require(epochs >= 1, "epochs must be at least 1, got " + epochs);
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "warmup epochs must be in [0, epochs = " + epochs + "], got " + warmupEpochs);
        require(grWarmupEpochs <= epochs, "GR warmup epochs must not exceed epochs = " + epochs + ", got " + grWarmupEpochs);
        require(lr > 0 && Double.isFinite(lr), "learning rate must be positive and finite, got " + lr);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
        require(clip >= 0, "clip must be >= 0 (0: off), got " + clip);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1), got " + labelSmoothing);
        require(trainLimit >= 0 && testLimit >= 0, "train/test limits must be >= 0");
        require(checkpointEvery >= 0 && evalBatch >= 0, "checkpoint-every and eval-batch must be >= 0");
        require(accumulate >= 0, "accumulate must be >= 1, got " + accumulate);
        accumulate = Math.max(1, accumulate);
        require(batch % accumulate == 0, "batch " + batch + " cannot be split into " + accumulate + " equal micro-batches (--accumulate)");
        estimatorSpec = estimatorSpec == null ? "" : estimatorSpec;
        grWarmup = grWarmup == null ? "none" : grWarmup;
        dtype = dtype == null ? "float" : dtype;
        lrSchedule = lrSchedule == null ? "cosine" : lrSchedule;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Small defaults: vit-nano on the synthetic set, Adam(W) 1e-3 with warmup-cosine, plain gradients. */
    public static TrainConfig defaults() {
        return new TrainConfig("vit-nano", "synthetic", null, 0, 0, 0, "adamw", 1e-3, 0.03, "cosine", 128, 10, 2,
                "plain", "", "none", -1, 5.0, 0.0, true, 0, "float", 0, 0, 1);
    }

    public TrainConfig withAccumulate(int k) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule, batch,
                epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment, seed, dtype,
                checkpointEvery, evalBatch, k);
    }

    public TrainConfig withModel(String v) {
        return new TrainConfig(v, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule, batch,
                epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment, seed, dtype,
                checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withData(String name, String dir, long dSeed, int trainN, int testN) {
        return new TrainConfig(model, name, dir, dSeed, trainN, testN, optimizer, lr, weightDecay, lrSchedule, batch,
                epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment, seed, dtype,
                checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withOptimizer(String name, double lrPeak, double wd, String schedule) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, name, lrPeak, wd, schedule, batch,
                epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment, seed, dtype,
                checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withLength(int batchSize, int nEpochs, double warmup) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule,
                batchSize, nEpochs, warmup, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment, seed,
                dtype, checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withEstimator(String name, String spec, String warmupPolicy, double warmupEpochsGr) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule,
                batch, epochs, warmupEpochs, name, spec == null ? "" : spec, warmupPolicy, warmupEpochsGr, clip, labelSmoothing,
                augment, seed, dtype, checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withRegularisation(double clipNorm, double smoothing, boolean aug) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule,
                batch, epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clipNorm, smoothing, aug, seed,
                dtype, checkpointEvery, evalBatch, accumulate);
    }

    public TrainConfig withRun(long runSeed, String type, int ckptEvery, int evalBatchSize) {
        return new TrainConfig(model, dataset, dataDir, dataSeed, trainLimit, testLimit, optimizer, lr, weightDecay, lrSchedule,
                batch, epochs, warmupEpochs, estimator, estimatorSpec, grWarmup, grWarmupEpochs, clip, labelSmoothing, augment,
                runSeed, type, ckptEvery, evalBatchSize, accumulate);
    }

    /** A short label: optimizer, estimator and GR warmup, e.g. {@code adamw gr(r=0.1,alpha=0.8) zero-warmup}. */
    public String method() {
        String s = optimizer;
        if (!estimator.equals("plain")) {
            s += " " + estimator + (estimatorSpec.isBlank() ? "" : "(" + estimatorSpec + ")");
            if (!grWarmup.equals("none")) {
                s += " " + grWarmup + "-warmup";
            }
        }
        return s;
    }

    /** The record components, in order. */
    public static java.util.Set<String> fields() {
        java.util.Set<String> s = new java.util.LinkedHashSet<>();
        for (var c : TrainConfig.class.getRecordComponents()) {
            s.add(c.getName());
        }
        return s;
    }

    /** The fields in which this and {@code other} differ, as {@code name: this → other}; empty if equal. */
    public java.util.List<String> differences(TrainConfig other) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var c : TrainConfig.class.getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(this);
                Object y = c.getAccessor().invoke(other);
                if (!java.util.Objects.equals(x, y)) {
                    out.add(c.getName() + ": " + x + " → " + y);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
