package org.gradreg.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.gradreg.trainer.BadInput;

/**
 * Readers for the official binary versions of CIFAR-10 and CIFAR-100
 * (https://www.cs.toronto.edu/~kriz/cifar.html, the "binary version" archives).
 * <ul>
 *   <li>CIFAR-10: {@code data_batch_1.bin … data_batch_5.bin} and {@code test_batch.bin}, each
 *       10000 records of 1 label byte + 3072 pixel bytes (30 730 000 bytes);</li>
 *   <li>CIFAR-100: {@code train.bin} (50000 records) and {@code test.bin} (10000 records) of
 *       1 coarse label byte + 1 fine label byte + 3072 pixel bytes.</li>
 * </ul>
 * The directory may be the one holding the files or its parent (the archives unpack into
 * {@code cifar-10-batches-bin/} and {@code cifar-100-binary/}). A missing, truncated or
 * wrong-format file raises a {@link DataFormatException} naming the file and the expected size.
 */
public final class Cifar {

    /** CIFAR-10 training-set mean and standard deviation per channel (the authors' gnp code; docs/references.md). */
    public static final float[] CIFAR10_MEAN = {0.4914f, 0.4822f, 0.4465f};
    public static final float[] CIFAR10_STD = {0.2470f, 0.2435f, 0.2616f};
    /** CIFAR-100 training-set mean and standard deviation per channel. */
    public static final float[] CIFAR100_MEAN = {0.5071f, 0.4865f, 0.4409f};
    public static final float[] CIFAR100_STD = {0.2673f, 0.2564f, 0.2762f};

    public static final int IMAGE_BYTES = 3 * 32 * 32;
    public static final int CIFAR10_RECORD = 1 + IMAGE_BYTES;
    public static final int CIFAR100_RECORD = 2 + IMAGE_BYTES;

    /** Which CIFAR-100 label to use. */
    public enum Labels { FINE, COARSE }

    private Cifar() {
    }

    /**
     * The shape of CIFAR-10 ({@code classes} 10) or CIFAR-100 (100, or 20 coarse) in {@code dir} (or
     * its {@code cifar-10-batches-bin} / {@code cifar-100-binary} subdirectory) without reading the
     * images: 50000/10000 images of 3×32×32; checks that every file is there with its exact size.
     */
    public static DatasetShape shape(Path dir, String name, int classes) {
        boolean ten = classes == 10;
        DatasetShape shape = new DatasetShape(50000, 10000, classes, 3, 32);
        Path d = shapeDir(dir, ten ? "cifar-10-batches-bin" : "cifar-100-binary", ten ? "data_batch_1.bin" : "train.bin", name, shape);
        if (ten) {
            for (int i = 1; i <= 5; i++) {
                present(d.resolve("data_batch_" + i + ".bin"), 10000L * CIFAR10_RECORD, "CIFAR-10", shape);
            }
            present(d.resolve("test_batch.bin"), 10000L * CIFAR10_RECORD, "CIFAR-10", shape);
        } else {
            present(d.resolve("train.bin"), 50000L * CIFAR100_RECORD, "CIFAR-100", shape);
            present(d.resolve("test.bin"), 10000L * CIFAR100_RECORD, "CIFAR-100", shape);
        }
        return shape;
    }

    private static Path shapeDir(Path d, String sub, String probe, String name, DatasetShape shape) {
        if (d == null) {
            throw new MissingDataFiles("dataset " + name + " needs its directory (--data DIR)", shape);
        }
        if (!Files.isDirectory(d)) {
            throw new MissingDataFiles("data directory " + d + " does not exist", shape);
        }
        return !Files.exists(d.resolve(probe)) && Files.exists(d.resolve(sub).resolve(probe)) ? d.resolve(sub) : d;
    }

    private static void present(Path f, long bytes, String what, DatasetShape shape) {
        try {
            if (!Files.isRegularFile(f)) {
                throw new MissingDataFiles(what + " file " + f + " not found (expected " + bytes + " bytes); download and unpack the binary version",
                        shape);
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

    /** CIFAR-10 from {@code dir} (or {@code dir/cifar-10-batches-bin}). */
    public static DataSplit cifar10(Path dir) {
        Path d = resolve(dir, "cifar-10-batches-bin", "data_batch_1.bin");
        List<Path> trainFiles = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            trainFiles.add(d.resolve("data_batch_" + i + ".bin"));
        }
        Dataset train = read("cifar10/train", trainFiles, 10000, CIFAR10_RECORD, 0, 10, CIFAR10_MEAN, CIFAR10_STD, "CIFAR-10");
        Dataset test = read("cifar10/test", List.of(d.resolve("test_batch.bin")), 10000, CIFAR10_RECORD, 0, 10,
                CIFAR10_MEAN, CIFAR10_STD, "CIFAR-10");
        return new DataSplit(train, test);
    }

    /** CIFAR-100 from {@code dir} (or {@code dir/cifar-100-binary}), fine (100) or coarse (20) labels. */
    public static DataSplit cifar100(Path dir, Labels labels) {
        Path d = resolve(dir, "cifar-100-binary", "train.bin");
        int offset = labels == Labels.FINE ? 1 : 0;
        int classes = labels == Labels.FINE ? 100 : 20;
        String tag = "cifar100" + (labels == Labels.COARSE ? "-coarse" : "");
        Dataset train = read(tag + "/train", List.of(d.resolve("train.bin")), 50000, CIFAR100_RECORD, offset, classes,
                CIFAR100_MEAN, CIFAR100_STD, "CIFAR-100");
        Dataset test = read(tag + "/test", List.of(d.resolve("test.bin")), 10000, CIFAR100_RECORD, offset, classes,
                CIFAR100_MEAN, CIFAR100_STD, "CIFAR-100");
        return new DataSplit(train, test);
    }

    private static Path resolve(Path dir, String sub, String probe) {
        if (dir == null) {
            throw new DataFormatException("no data directory given for CIFAR (use --data DIR)");
        }
        if (!Files.exists(dir.resolve(probe)) && Files.exists(dir.resolve(sub).resolve(probe))) {
            return dir.resolve(sub);
        }
        return dir;
    }

    /**
     * Reads whole-record files: each must hold exactly {@code recordsPerFile} records of
     * {@code record} bytes; the label is the byte at {@code labelOffset} of each record, the
     * pixels the last 3072 bytes.
     */
    static Dataset read(String name, List<Path> files, int recordsPerFile, int record, int labelOffset, int classes,
                        float[] mean, float[] std, String what) {
        int n = files.size() * recordsPerFile;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        long expected = (long) recordsPerFile * record;
        int at = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DataFormatException(what + " file " + f + " not found: expected " + expected + " bytes ("
                        + recordsPerFile + " records of " + record + " bytes). Download and unpack the binary version from "
                        + "https://www.cs.toronto.edu/~kriz/cifar.html and pass its directory with --data.");
            }
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new DataFormatException("cannot read " + what + " file " + f + ": " + e.getMessage(), e);
            }
            if (size != expected) {
                String hint = size < expected ? "truncated" : "too long";
                throw new DataFormatException(String.format(Locale.ROOT,
                        "%s file %s has %d bytes but should have %d (%d records of %d bytes): %s, or not the binary version",
                        what, f, size, expected, recordsPerFile, record, hint));
            }
            byte[] rec = new byte[record];
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 20)) {
                for (int r = 0; r < recordsPerFile; r++) {
                    int got = in.readNBytes(rec, 0, record);
                    if (got != record) {
                        throw new DataFormatException(what + " file " + f + " ended inside record " + r + " (expected "
                                + expected + " bytes)");
                    }
                    int label = rec[labelOffset] & 0xff;
                    if (label >= classes) {
                        throw new DataFormatException(String.format(Locale.ROOT,
                                "%s file %s: record %d has label %d, outside [0, %d): not a %s binary file (records of %d bytes)",
                                what, f, r, label, classes, what, record));
                    }
                    labels[at] = label;
                    System.arraycopy(rec, record - IMAGE_BYTES, pixels, at * IMAGE_BYTES, IMAGE_BYTES);
                    at++;
                }
            } catch (IOException e) {
                throw new DataFormatException("cannot read " + what + " file " + f + ": " + e.getMessage(), e);
            }
        }
        return new Dataset(name, pixels, labels, classes, 3, 32, 32, mean.clone(), std.clone());
    }
}
