package org.gradreg.trainer.data;

import java.util.SplittableRandom;

/**
 * A procedural, class-conditional, CIFAR-shaped data set (3 channels, 8-bit pixels), so that
 * training runs with no download.
 *
 * <p>Each class has a grating orientation (classes spread over [0, π)), a spatial frequency and a
 * colour; classes {@code c} and {@code c + ⌈C/2⌉} share the colour, so colour alone (a linear cue)
 * separates only pairs of classes and the orientation of a randomly phased grating (a non-linear
 * cue) is needed for the rest. Every image adds, from its own random stream: orientation, frequency
 * and colour jitter, a random phase, a random Gaussian blob, a smooth random background, a faint
 * grating of another class as a distractor, and pixel noise. The jitter makes neighbouring
 * orientations overlap, so the task is learnable but not separable, and a model that memorises a
 * small training set shows a train/test gap. Train and test images are drawn from disjoint random
 * streams of the same class definitions.
 */
public final class SyntheticCifar {

    /** Default sizes: 5000 training and 1000 test images, 10 classes, 32×32. */
    public static final int DEFAULT_TRAIN = 5000;
    public static final int DEFAULT_TEST = 1000;

    private SyntheticCifar() {
    }

    /** The default synthetic set: 5000/1000 images of 32×32, 10 classes. */
    public static DataSplit generate(long seed) {
        return generate(DEFAULT_TRAIN, DEFAULT_TEST, 10, 32, seed);
    }

    /**
     * @param train     training images
     * @param test      test images
     * @param classes   number of classes (≥ 2)
     * @param size      image height and width
     * @param seed      seed of the class definitions and of both image streams
     */
    public static DataSplit generate(int train, int test, int classes, int size, long seed) {
        if (classes < 2 || train < 1 || test < 1 || size < 4) {
            throw new IllegalArgumentException("synthetic data needs >= 2 classes, >= 1 train and test image and size >= 4; got "
                    + classes + " classes, " + train + "/" + test + " images of " + size + "x" + size);
        }
        SplittableRandom world = new SplittableRandom(seed);
        int palettes = (classes + 1) / 2;
        double[][] colors = new double[palettes][3];
        for (double[] col : colors) {
            for (int k = 0; k < 3; k++) {
                col[k] = 0.15 + 0.7 * world.nextDouble();
            }
        }
        double[] theta = new double[classes];
        double[] freq = new double[classes];
        double[][] color = new double[classes][];
        for (int c = 0; c < classes; c++) {
            theta[c] = Math.PI * c / classes;
            freq[c] = 1.5 + 2.5 * world.nextDouble();
            color[c] = colors[c % palettes];
        }
        Spec spec = new Spec(classes, size, theta, freq, color);
        SplittableRandom trainStream = world.split();
        SplittableRandom testStream = world.split();
        Dataset tr = draw("synthetic/train", train, spec, trainStream);
        Dataset te = draw("synthetic/test", test, spec, testStream);
        float[][] stats = tr.channelStatistics();
        return new DataSplit(tr.withNormalization(stats[0], stats[1]), te.withNormalization(stats[0], stats[1]));
    }

    private record Spec(int classes, int size, double[] theta, double[] freq, double[][] color) {
    }

    private static Dataset draw(String name, int n, Spec s, SplittableRandom rng) {
        int size = s.size;
        int plane = size * size;
        byte[] pixels = new byte[n * 3 * plane];
        int[] labels = new int[n];
        double[] img = new double[3 * plane];
        double spacing = Math.PI / s.classes;
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(s.classes);
            labels[i] = c;
            double th = s.theta[c] + 0.35 * spacing * gaussian(rng);
            double f = s.freq[c] * (1 + 0.1 * gaussian(rng)) / size;
            double phase = 2 * Math.PI * rng.nextDouble();
            double amp = 0.22 + 0.08 * rng.nextDouble();
            double[] col = new double[3];
            for (int k = 0; k < 3; k++) {
                col[k] = s.color[c][k] + 0.08 * gaussian(rng);
            }
            int other = (c + 1 + rng.nextInt(s.classes - 1)) % s.classes;
            double thO = s.theta[other] + 0.35 * spacing * gaussian(rng);
            double fO = s.freq[other] / size;
            double phO = 2 * Math.PI * rng.nextDouble();
            double ampO = 0.06 + 0.06 * rng.nextDouble();
            double bx = size * rng.nextDouble();
            double by = size * rng.nextDouble();
            double br = size * (0.08 + 0.12 * rng.nextDouble());
            double[] bcol = {rng.nextDouble() - 0.5, rng.nextDouble() - 0.5, rng.nextDouble() - 0.5};
            double[] bg = {0.45 + 0.05 * gaussian(rng), 0.45 + 0.05 * gaussian(rng), 0.45 + 0.05 * gaussian(rng)};
            double gx = 0.15 * gaussian(rng) / size;
            double gy = 0.15 * gaussian(rng) / size;
            double cos = Math.cos(th);
            double sin = Math.sin(th);
            double cosO = Math.cos(thO);
            double sinO = Math.sin(thO);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double g = amp * Math.sin(2 * Math.PI * f * (x * cos + y * sin) + phase);
                    double gO = ampO * Math.sin(2 * Math.PI * fO * (x * cosO + y * sinO) + phO);
                    double dx = x - bx;
                    double dy = y - by;
                    double blob = Math.exp(-(dx * dx + dy * dy) / (2 * br * br));
                    double ramp = gx * x + gy * y;
                    for (int k = 0; k < 3; k++) {
                        img[k * plane + y * size + x] = bg[k] + 0.3 * (col[k] - 0.5) + ramp + g * (0.4 + col[k]) + gO + 0.5 * blob * bcol[k]
                                + 0.05 * gaussian(rng);
                    }
                }
            }
            int off = i * 3 * plane;
            for (int p = 0; p < 3 * plane; p++) {
                long v = Math.round(255 * img[p]);
                pixels[off + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        float[] ones = {1f, 1f, 1f};
        float[] half = {0.5f, 0.5f, 0.5f};
        return new Dataset(name, pixels, labels, s.classes, 3, size, size, half, ones);
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
