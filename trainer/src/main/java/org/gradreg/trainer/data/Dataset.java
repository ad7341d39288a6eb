package org.gradreg.trainer.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Images and labels held as raw 8-bit pixels, image after image in CIFAR's channel-major layout
 * (all red values, then green, then blue, each row-major), with the per-channel mean and standard
 * deviation (on the [0, 1] scale) used to normalise them and the training augmentation that suits
 * the images.
 *
 * @param name     e.g. "cifar10/train"
 * @param pixels   {@code size·channels·height·width} bytes (unsigned)
 * @param labels   class indices in [0, classes)
 * @param classes  number of classes
 * @param mean     per-channel mean on the [0, 1] scale
 * @param std      per-channel standard deviation on the [0, 1] scale
 * @param augmentation  the training augmentation (CIFAR's pad-crop-flip unless given)
 */
public record Dataset(String name, byte[] pixels, int[] labels, int classes, int channels, int height, int width,
                      float[] mean, float[] std, Augmentation.Policy augmentation) {

    /** A data set with CIFAR's augmentation ({@link Augmentation#CIFAR}). */
    public Dataset(String name, byte[] pixels, int[] labels, int classes, int channels, int height, int width,
                   float[] mean, float[] std) {
        this(name, pixels, labels, classes, channels, height, width, mean, std, Augmentation.CIFAR);
    }

    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(augmentation, "augmentation");
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + channels + "x" + height + "x" + width + " (expected " + expected + ")");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(name + ": mean/std need one value per channel (" + channels + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i + " is outside [0, " + classes + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** Bytes per image. */
    public int imageBytes() {
        return channels * height * width;
    }

    /** The first {@code n} images (or all, if fewer), for quick runs. */
    public Dataset head(int n) {
        int m = Math.min(n, size());
        return new Dataset(name, Arrays.copyOf(pixels, m * imageBytes()), Arrays.copyOf(labels, m), classes, channels,
                height, width, mean, std, augmentation);
    }

    /** The same images normalised with other statistics (e.g. the training set's). */
    public Dataset withNormalization(float[] mean, float[] std) {
        return new Dataset(name, pixels, labels, classes, channels, height, width, mean.clone(), std.clone(), augmentation);
    }

    /** The same images with another training augmentation. */
    public Dataset withAugmentation(Augmentation.Policy policy) {
        return new Dataset(name, pixels, labels, classes, channels, height, width, mean, std, policy);
    }

    /** The images at {@code indices} (in that order), named {@code subsetName}. */
    public Dataset select(int[] indices, String subsetName) {
        int b = imageBytes();
        byte[] px = new byte[indices.length * b];
        int[] lab = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * b, px, k * b, b);
            lab[k] = labels[indices[k]];
        }
        return new Dataset(subsetName, px, lab, classes, channels, height, width, mean, std, augmentation);
    }

    /**
     * A seeded, class-stratified subset of {@code n} images, kept in data-set order and named
     * {@code name:n}. Class {@code c} with {@code n_c} of the {@code N} images gets
     * {@code ⌊n·n_c/N⌋} images, and the {@code n − Σ⌊…⌋} left over go one each to the classes with
     * the largest remainders {@code n·n_c mod N} (ties in a seeded random order), so the class
     * proportions are kept as closely as whole numbers allow (exactly when {@code n·n_c/N} are whole,
     * e.g. {@code n} a multiple of 10 for a balanced 10-class set). Within a class, the images are a
     * uniform random choice (a seeded partial Fisher-Yates shuffle). {@code n = size()} returns this
     * data set.
     */
    public Dataset stratifiedSubset(int n, long seed) {
        if (n < 1 || n > size()) {
            throw new IllegalArgumentException(name + ": a subset of " + n + " images was asked for, but the set has "
                    + size() + " (use 1.." + size() + ")");
        }
        if (n == size()) {
            return this;
        }
        int[][] byClass = new int[classes][];
        int[] count = new int[classes];
        for (int l : labels) {
            count[l]++;
        }
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[count[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < size(); i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        int[] quota = new int[classes];
        long[] remainder = new long[classes];
        int given = 0;
        for (int c = 0; c < classes; c++) {
            long num = (long) n * count[c];
            quota[c] = (int) (num / size());
            remainder[c] = num % size();
            given += quota[c];
        }
        SplittableRandom rng = new SplittableRandom(Batches.mix(seed, 0x5eb5e7L, n));
        Integer[] order = new Integer[classes];
        int[] tieBreak = new int[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
            tieBreak[c] = rng.nextInt();
        }
        Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Long.compare(remainder[b], remainder[a])
                : Integer.compare(tieBreak[a], tieBreak[b]));
        for (int k = 0; given < n; k++) {
            quota[order[k]]++;
            given++;
        }
        int[] chosen = new int[n];
        int at = 0;
        for (int c = 0; c < classes; c++) {
            int[] idx = byClass[c].clone();
            SplittableRandom r = new SplittableRandom(Batches.mix(seed, 0x5eb5e7L + 1 + c, n));
            for (int k = 0; k < quota[c]; k++) {
                int j = k + r.nextInt(idx.length - k);
                int t = idx[k];
                idx[k] = idx[j];
                idx[j] = t;
                chosen[at++] = idx[k];
            }
        }
        Arrays.sort(chosen);
        return select(chosen, name + ":" + n);
    }

    /** Per-channel mean and standard deviation of the pixels on the [0, 1] scale: {mean, std}. */
    public float[][] channelStatistics() {
        int plane = height * width;
        float[] m = new float[channels];
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < size(); i++) {
                int off = i * imageBytes() + c * plane;
                for (int p = 0; p < plane; p++) {
                    double v = (pixels[off + p] & 0xff) / 255.0;
                    sum += v;
                    sq += v * v;
                }
            }
            double n = (double) size() * plane;
            double mu = sum / n;
            m[c] = (float) mu;
            s[c] = (float) Math.sqrt(Math.max(sq / n - mu * mu, 1e-12));
        }
        return new float[][] {m, s};
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images " + channels + "x" + height + "x" + width + ", " + classes + " classes)";
    }
}
