package org.gradreg.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Augmentation, seeded shuffling and the synthetic set. */
class BatchesTest {

    @Test
    void reflectPaddingMatchesNumpyReflect() {
        // numpy.pad([0,1,2,3], 2, 'reflect') = [2,1,0,1,2,3,2,1]
        int[] expected = {2, 1, 0, 1, 2, 3, 2, 1};
        for (int k = -2; k < 6; k++) {
            assertEquals(expected[k + 2], Augmentation.reflect(k, 4));
        }
    }

    @Test
    void cropAndFlipMoveThePixelsAsExpected() {
        // one channel 4x4, values 0..15, mean 0 std 1/255 so outputs are the byte values
        byte[] src = new byte[16];
        for (int i = 0; i < 16; i++) {
            src[i] = (byte) i;
        }
        float[] mean = {0f};
        float[] std = {1f / 255f};
        float[] out = new float[16];
        Augmentation.cropFlip(src, 0, 1, 4, 4, 2, 2, 2, false, mean, std, out, 0);
        for (int i = 0; i < 16; i++) {
            assertEquals(i, out[i], 1e-3);
        }
        Augmentation.cropFlip(src, 0, 1, 4, 4, 2, 2, 2, true, mean, std, out, 0);
        assertEquals(3, out[0], 1e-3); // row 0 mirrored
        assertEquals(12, out[15], 1e-3);
        // shift up-left by 2: output (0,0) = padded (0,0) = src(reflect(-2), reflect(-2)) = src(2,2) = 10
        Augmentation.cropFlip(src, 0, 1, 4, 4, 2, 0, 0, false, mean, std, out, 0);
        assertEquals(10, out[0], 1e-3);
        assertEquals(5, out[3 * 4 + 3], 1e-3); // (3,3) = src(1,1)
    }

    @Test
    void shufflingIsSeededAndEveryImageAppearsOncePerEpoch() {
        Dataset d = SyntheticCifar.generate(103, 10, 4, 8, 1).train();
        Batches a = Batches.training(d, 10, true, 42);
        Batches b = Batches.training(d, 10, true, 42);
        assertEquals(10, a.count()); // partial batch dropped
        int[] o0 = a.order(0).clone();
        assertArrayEquals(o0, b.order(0));
        int[] sorted = o0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(o0, a.order(1)));
        // batches, augmentation included, are a function of (seed, epoch, index) only
        Batch x = a.get(3, 7);
        a.get(0, 0);
        Batch y = b.get(3, 7);
        assertArrayEquals(x.images(), y.images());
        assertArrayEquals(x.labels(), y.labels());
        assertFalse(Arrays.equals(x.images(), Batches.training(d, 10, true, 43).get(3, 7).images()));
        Batches eval = Batches.evaluation(d, 10);
        assertEquals(11, eval.count());
        assertEquals(3, eval.get(0, 10).size());
    }

    @Test
    void syntheticDataIsDeterministicClassConditionalAndNormalised() {
        DataSplit s1 = SyntheticCifar.generate(400, 100, 10, 16, 7);
        DataSplit s2 = SyntheticCifar.generate(400, 100, 10, 16, 7);
        assertArrayEquals(s1.train().pixels(), s2.train().pixels());
        assertArrayEquals(s1.test().labels(), s2.test().labels());
        assertFalse(Arrays.equals(s1.train().pixels(), SyntheticCifar.generate(400, 100, 10, 16, 8).train().pixels()));
        int[] counts = new int[10];
        for (int l : s1.train().labels()) {
            counts[l]++;
        }
        for (int c : counts) {
            assertTrue(c > 15, Arrays.toString(counts));
        }
        // normalised with the training statistics: batch mean ≈ 0, std ≈ 1
        Batch all = Batches.evaluation(s1.train(), 400).get(0, 0);
        double m = 0;
        double sq = 0;
        for (float v : all.images()) {
            m += v;
            sq += v * v;
        }
        m /= all.images().length;
        assertEquals(0, m, 1e-3);
        assertEquals(1, Math.sqrt(sq / all.images().length - m * m), 1e-2);
    }

    @Test
    void nearestClassMeanBeatsChanceOnSyntheticTestData() {
        DataSplit s = SyntheticCifar.generate(2000, 500, 10, 16, 3);
        int dim = s.train().imageBytes();
        double[][] means = new double[10][dim];
        int[] n = new int[10];
        for (int i = 0; i < s.train().size(); i++) {
            int c = s.train().labels()[i];
            n[c]++;
            for (int p = 0; p < dim; p++) {
                means[c][p] += s.train().pixels()[i * dim + p] & 0xff;
            }
        }
        int right = 0;
        for (int i = 0; i < s.test().size(); i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double dist = 0;
                for (int p = 0; p < dim; p++) {
                    double diff = (s.test().pixels()[i * dim + p] & 0xff) - means[c][p] / n[c];
                    dist += diff * diff;
                }
                if (dist < bestD) {
                    bestD = dist;
                    best = c;
                }
            }
            right += best == s.test().labels()[i] ? 1 : 0;
        }
        double acc = right / 500.0;
        // colour gives pairs of classes: well above chance (0.1) but far from perfect
        assertTrue(acc > 0.2 && acc < 0.9, "nearest-mean accuracy " + acc);
    }
}
