package org.gradreg.trainer.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Images and labels held as raw 8-bit pixels, image after image in CIFAR's channel-major layout
 * (all red values, then green, then blue, each row-major), with the per-channel mean and standard
 * deviation (on the [0, 1] scale) used to normalise them.
 *
 * @param name     e.g. "cifar10/train"
 * @param pixels   {@code size·channels·height·width} bytes (unsigned)
 * @param labels   class indices in [0, classes)
 * @param classes  number of classes
 * @param mean     per-channel mean on the [0, 1] scale
 * @param std      per-channel standard deviation on the [0, 1] scale
 */
public record Dataset(String name, byte[] pixels, int[] labels, int classes, int channels, int height, int width,
                      float[] mean, float[] std) {

    public Dataset {
        Objects.requireNonNull(name, "name");
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
                height, width, mean, std);
    }

    /** The same images normalised with other statistics (e.g. the training set's). */
    public Dataset withNormalization(float[] mean, float[] std) {
        return new Dataset(name, pixels, labels, classes, channels, height, width, mean.clone(), std.clone());
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
