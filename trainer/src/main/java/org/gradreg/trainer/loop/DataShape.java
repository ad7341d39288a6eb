package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradreg.optim.registry.Args;
import org.gradreg.optim.registry.Registry;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.data.Cifar;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.DatasetFactory;
import org.gradreg.trainer.data.Datasets;

/**
 * The shape of a data set, known without reading its images where the set is known by name
 * (synthetic, CIFAR: whose files are checked for presence and size); other sets are loaded.
 *
 * @param train    training images
 * @param test     test images
 * @param classes  classes
 * @param channels image channels
 * @param image    image side
 */
public record DataShape(int train, int test, int classes, int channels, int image) {

    /** The shape of data set {@code spec} (files in {@code dir}, subsets by {@code seed}); a bad spec or file is a {@link BadInput}. */
    public static DataShape of(String spec, String dir, long seed) {
        Registry.Parsed<DatasetFactory> p;
        try {
            p = Datasets.REGISTRY.parseNamed(spec);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage(), e);
        }
        Args a = p.args();
        return switch (p.entry().name()) {
            case "synthetic" -> new DataShape(a.count("train"), a.count("test"), a.count("classes"), 3, a.count("size"));
            case "synthetic-small" -> new DataShape(2000, 500, 10, 3, 32);
            case "cifar10" -> {
                DataShape shape = new DataShape(50000, 10000, 10, 3, 32);
                Path d = cifarDir(dir, "cifar-10-batches-bin", "data_batch_1.bin", spec, shape);
                for (int i = 1; i <= 5; i++) {
                    present(d.resolve("data_batch_" + i + ".bin"), 10000L * Cifar.CIFAR10_RECORD, "CIFAR-10", shape);
                }
                present(d.resolve("test_batch.bin"), 10000L * Cifar.CIFAR10_RECORD, "CIFAR-10", shape);
                yield shape;
            }
            case "cifar100", "cifar100-coarse" -> {
                DataShape shape = new DataShape(50000, 10000, p.entry().name().endsWith("coarse") ? 20 : 100, 3, 32);
                Path d = cifarDir(dir, "cifar-100-binary", "train.bin", spec, shape);
                present(d.resolve("train.bin"), 50000L * Cifar.CIFAR100_RECORD, "CIFAR-100", shape);
                present(d.resolve("test.bin"), 10000L * Cifar.CIFAR100_RECORD, "CIFAR-100", shape);
                yield shape;
            }
            default -> {
                // a data set this check does not know by name: load it (its reader names any problem)
                DataSplit s = Datasets.load(spec, dir == null ? null : Path.of(dir), seed);
                yield new DataShape(s.train().size(), s.test().size(), s.train().classes(), s.train().channels(), s.train().height());
            }
        };
    }

    /**
     * A data set known by name whose files are not there (yet): the shape it will have, for a
     * {@code grid --list} on a machine without the data (issue 22 item 16).
     */
    public static final class MissingFiles extends BadInput {
        private final transient DataShape shape;

        MissingFiles(String message, DataShape shape) {
            super(message);
            this.shape = shape;
        }

        public DataShape shape() {
            return shape;
        }
    }

    private static Path cifarDir(String dir, String sub, String probe, String name, DataShape shape) {
        if (dir == null) {
            throw new MissingFiles("dataset " + name + " needs its directory (--data DIR)", shape);
        }
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) {
            throw new MissingFiles("data directory " + d + " does not exist", shape);
        }
        return !Files.exists(d.resolve(probe)) && Files.exists(d.resolve(sub).resolve(probe)) ? d.resolve(sub) : d;
    }

    private static void present(Path f, long bytes, String what, DataShape shape) {
        try {
            if (!Files.isRegularFile(f)) {
                throw new MissingFiles(what + " file " + f + " not found (expected " + bytes + " bytes); download and unpack the binary version", shape);
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
