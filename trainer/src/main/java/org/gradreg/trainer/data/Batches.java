package org.gradreg.trainer.data;

import java.util.SplittableRandom;

/**
 * Mini-batches of a data set as a pure function of (seed, epoch, index): the epoch's order is a
 * seeded shuffle, and each batch's augmentation draws from its own seeded stream. A run resumed at
 * any step therefore sees exactly the batches an uninterrupted run would, with no random-generator
 * state to save. The last partial batch is dropped when training (steps per epoch = ⌊N / B⌋, as in
 * the authors' code) and kept for evaluation.
 */
public final class Batches {

    private final Dataset data;
    private final int batch;
    private final boolean shuffle;
    private final boolean augment;
    private final boolean dropLast;
    private final long seed;
    private final Augmentation.Policy policy;
    private final int pad;
    private long cachedEpoch = Long.MIN_VALUE;
    private int[] cachedOrder;

    private Batches(Dataset data, int batch, boolean shuffle, boolean augment, boolean dropLast, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
        }
        if (dropLast && batch > data.size()) {
            throw new IllegalArgumentException("batch size " + batch + " exceeds the " + data.size() + " images of " + data.name());
        }
        this.data = data;
        this.batch = batch;
        this.shuffle = shuffle;
        this.augment = augment;
        this.dropLast = dropLast;
        this.seed = seed;
        this.policy = data.augmentation();
        // reflection needs pad < size: tiny test images get a smaller pad
        int pad = policy.pad();
        this.pad = policy.padding() == Augmentation.Padding.REFLECT
                ? Math.max(0, Math.min(pad, Math.min(data.height(), data.width()) - 1)) : pad;
    }

    /**
     * Training batches: shuffled, augmented with the data set's {@link Dataset#augmentation() policy}
     * (CIFAR: pad 4, crop, flip; Fashion-MNIST: zero pad 4, crop) if {@code augment}, last partial
     * batch dropped.
     */
    public static Batches training(Dataset data, int batch, boolean augment, long seed) {
        return new Batches(data, batch, true, augment, true, seed);
    }

    /** Evaluation batches: data order, no augmentation, every image once. */
    public static Batches evaluation(Dataset data, int batch) {
        return new Batches(data, batch, false, false, false, 0);
    }

    public Dataset data() {
        return data;
    }

    public int batchSize() {
        return batch;
    }

    /** Batches per epoch. */
    public int count() {
        return dropLast ? data.size() / batch : (data.size() + batch - 1) / batch;
    }

    /** The image order of {@code epoch}: a seeded Fisher-Yates shuffle, or 0..N−1. */
    public int[] order(long epoch) {
        if (epoch == cachedEpoch) {
            return cachedOrder;
        }
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(mix(seed, 0x5eed_0001L, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        cachedEpoch = epoch;
        cachedOrder = order;
        return order;
    }

    /** Batch {@code index} of {@code epoch}. */
    public Batch get(long epoch, int index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("batch " + index + " of " + count());
        }
        int[] order = order(epoch);
        int start = index * batch;
        int b = Math.min(batch, data.size() - start);
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int bytes = data.imageBytes();
        float[] out = new float[b * bytes];
        int[] labels = new int[b];
        SplittableRandom rng = augment ? new SplittableRandom(mix(seed, epoch, index)) : null;
        for (int k = 0; k < b; k++) {
            int img = order[start + k];
            labels[k] = data.labels()[img];
            int dy = pad;
            int dx = pad;
            boolean flip = false;
            if (rng != null) {
                dy = rng.nextInt(2 * pad + 1);
                dx = rng.nextInt(2 * pad + 1);
                flip = policy.flip() && rng.nextBoolean();
            }
            Augmentation.crop(data.pixels(), img * bytes, c, h, w, pad, policy.padding(), dy, dx, flip, data.mean(), data.std(),
                    out, k * bytes);
        }
        return new Batch(out, labels, b, c, h, w);
    }

    /** A well-mixed 64-bit seed from three values (SplitMix64 finaliser). */
    public static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + c;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
