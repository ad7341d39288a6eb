package org.gradreg.trainer.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.gradreg.optim.registry.Args;
import org.gradreg.optim.registry.Registry;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.Cifar;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.DatasetFactory;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;

/**
 * A run specification checked completely before anything is written: the {@link TrainConfig}'s
 * ranges (its constructor), the names and spec keys of the model, data set, update rule,
 * estimator, GR warmup policy, LR schedule and data type, the cross-field rules (warmup ≤ epochs,
 * a batch no larger than the training set, a ViT patch that divides the image) and the presence
 * and sizes of the data files. {@code train}, {@code grid} (every run, at {@code --list} and before
 * the first run) and {@code reproduce} all go through {@link #check}; a failure is a
 * {@link BadInput} naming the setting.
 *
 * @param config        the configuration
 * @param trainSize     training images used (after the limit)
 * @param stepsPerEpoch optimizer steps per epoch
 */
public record RunSpec(TrainConfig config, int trainSize, int stepsPerEpoch) {

    /** LR warmup when none is given: 2 epochs, or a fifth of a run shorter than 10 epochs. */
    public static double defaultWarmup(int epochs) {
        return Math.min(2.0, epochs / 5.0);
    }

    /** The shape of a data set, known without reading its images. */
    public record DataShape(int train, int test, int classes, int channels, int image) {
    }

    /** Checks {@code cfg} completely; see the class comment. */
    public static RunSpec check(TrainConfig cfg) {
        try {
            DataShape d = data(cfg.dataset(), cfg.dataDir(), cfg.dataSeed());
            int train = cfg.trainLimit() > 0 ? Math.min(cfg.trainLimit(), d.train()) : d.train();
            if (cfg.batch() > train) {
                throw new BadInput("batch " + cfg.batch() + " is larger than the " + train + " training images of " + cfg.dataset());
            }
            dtype(cfg.dtype());
            model(cfg.model(), d.channels(), d.image());
            int spe = train / cfg.batch();
            Trainer.optimizer(cfg, spe); // the update rule, estimator, LR schedule, their keys and ranges, the GR warmup policy
            return new RunSpec(cfg, train, spe);
        } catch (BadInput e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInput(BadInput.messageOf(e), e);
        }
    }

    /** The configuration {@code node} (TrainConfig field names) gives over the defaults, with the default warmup for its length. */
    public static TrainConfig config(JsonNode node, String where) {
        ObjectNode c = (ObjectNode) Json.mapper().valueToTree(TrainConfig.defaults());
        c.remove("warmupEpochs");
        Set<String> fields = TrainConfig.fields();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!fields.contains(e.getKey())) {
                throw new BadInput(where + ": unknown field '" + e.getKey() + "'; known: " + fields);
            }
            c.set(e.getKey(), e.getValue());
        }
        if (!c.hasNonNull("warmupEpochs") || "auto".equals(c.path("warmupEpochs").asText())) {
            c.put("warmupEpochs", defaultWarmup(c.path("epochs").asInt()));
        }
        try {
            return Json.mapper().treeToValue(c, TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInput(where + ": " + BadInput.messageOf(e), e);
        }
    }

    static void dtype(String dtype) {
        if (!Set.of("float", "float32", "double", "float64").contains(dtype.toLowerCase(Locale.ROOT))) {
            throw new BadInput("dtype must be float or double, got '" + dtype + "'");
        }
    }

    /**
     * Checks a model spec (name and overrides) for images of {@code channels}×{@code image}² without
     * building the model (which for the large ones costs seconds and gigabytes).
     */
    static void model(String spec, int channels, int image) {
        try {
            Models.parse(spec, channels, image);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage(), e);
        }
    }

    /** The shape of data set {@code name}; CIFAR files are checked for presence and size, nothing is read. */
    public static DataShape data(String name, String dir, long seed) {
        Registry.Parsed<DatasetFactory> p;
        try {
            p = Datasets.REGISTRY.parseNamed(name);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage(), e);
        }
        Args a = p.args();
        return switch (p.entry().name()) {
            case "synthetic" -> new DataShape(a.count("train"), a.count("test"), a.count("classes"), 3,
                    a.count("size"));
            case "synthetic-small" -> new DataShape(2000, 500, 10, 3, 32);
            case "cifar10" -> {
                Path d = cifarDir(dir, "cifar-10-batches-bin", "data_batch_1.bin", name);
                for (int i = 1; i <= 5; i++) {
                    present(d.resolve("data_batch_" + i + ".bin"), 10000L * Cifar.CIFAR10_RECORD, "CIFAR-10");
                }
                present(d.resolve("test_batch.bin"), 10000L * Cifar.CIFAR10_RECORD, "CIFAR-10");
                yield new DataShape(50000, 10000, 10, 3, 32);
            }
            case "cifar100", "cifar100-coarse" -> {
                Path d = cifarDir(dir, "cifar-100-binary", "train.bin", name);
                present(d.resolve("train.bin"), 50000L * Cifar.CIFAR100_RECORD, "CIFAR-100");
                present(d.resolve("test.bin"), 10000L * Cifar.CIFAR100_RECORD, "CIFAR-100");
                yield new DataShape(50000, 10000, p.entry().name().endsWith("coarse") ? 20 : 100, 3, 32);
            }
            default -> {
                // a data set this check does not know by name: load it (its reader names any problem)
                DataSplit s = Datasets.load(name, dir == null ? null : Path.of(dir), seed);
                yield new DataShape(s.train().size(), s.test().size(), s.train().classes(), s.train().channels(), s.train().height());
            }
        };
    }

    private static Path cifarDir(String dir, String sub, String probe, String name) {
        if (dir == null) {
            throw new BadInput("dataset " + name + " needs its directory (--data DIR)");
        }
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) {
            throw new BadInput("data directory " + d + " does not exist");
        }
        return !Files.exists(d.resolve(probe)) && Files.exists(d.resolve(sub).resolve(probe)) ? d.resolve(sub) : d;
    }

    private static void present(Path f, long bytes, String what) {
        try {
            if (!Files.isRegularFile(f)) {
                throw new BadInput(what + " file " + f + " not found (expected " + bytes + " bytes); download and unpack the binary version");
            }
            long size = Files.size(f);
            if (size != bytes) {
                throw new BadInput(what + " file " + f + " has " + size + " bytes but should have " + bytes
                        + (size < bytes ? ": truncated" : "") + ", or it is not the binary version");
            }
        } catch (IOException e) {
            throw new BadInput("cannot read " + what + " file " + f + ": " + e.getMessage(), e);
        }
    }

}
