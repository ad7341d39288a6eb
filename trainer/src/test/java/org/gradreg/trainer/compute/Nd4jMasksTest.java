package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Nd4jMasks}' Java masks equal ND4J's op (BernoulliDistribution, then a scalar multiply by
 * 1/(1 − rate)), the reference every recorded run's masks came from, bit for bit: random seeds
 * (negative ones included), rates whose keep probability is and is not a float, lengths around
 * the heap block (4,096) and above the split size (2¹⁹) at a thread cap of 1 and 2, and a mask
 * inside a larger buffer (offset). A wrong constant, index base, bit selection, comparison (&lt;
 * against ≤) or block offset changes elements and fails here.
 */
class Nd4jMasksTest {

    private SavedThreadCaps saved;

    @BeforeEach
    void remember() {
        saved = new SavedThreadCaps();
    }

    @AfterEach
    void restore() {
        saved.restore();
    }

    private static float[] nd4j(long n, double rate, long seed) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        INDArray a = Nd4j.create(DataType.FLOAT, n);
        rng.setSeed(seed);
        Nd4j.getExecutioner().exec(new BernoulliDistribution(a, 1 - rate), rng);
        a.muli(1 / (1 - rate));
        return a.toFloatVector();
    }

    private static void assertSame(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + " element " + i + ": ND4J " + expected[i] + ", Java " + actual[i]);
            }
        }
    }

    @Test
    void javaMasksEqualNd4jsOpBitForBit() {
        SplittableRandom rnd = new SplittableRandom(20261207);
        double[] rates = {0.1, 0.5, 0.25, 1.0 / 3, 0.9, 0.0, 0.01};
        long[] lengths = {1, 7, 4095, 4096, 4097, 139_264, (1 << 19) + 4099};
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        for (int cap = 1; cap <= 2; cap++) {
            SavedThreadCaps.set(cap);
            assertEquals(cap, Team.size());
            for (int k = 0; k < 12; k++) {
                long seed = k == 0 ? 1 : rnd.nextLong();
                double rate = rates[k % rates.length];
                long n = lengths[(k + cap) % lengths.length];
                float[] expected = nd4j(n, rate, seed);
                INDArray got = Nd4j.create(DataType.FLOAT, n);
                Nd4jMasks.fill(got, rate, rng, seed);
                String what = "cap " + cap + ", seed " + seed + ", rate " + rate + ", length " + n;
                assertSame(expected, got.toFloatVector(), what);
                int zeros = 0;
                for (float v : expected) {
                    zeros += v == 0 ? 1 : 0;
                }
                if (n >= 100_000 && rate > 0) { // a real mask: about rate of it dropped
                    assertEquals(rate, zeros / (double) n, 0.01, what);
                }
            }
        }
    }

    /**
     * Where u(i) equals p exactly (possible when p·2²³ is an integer, e.g. p = float(0.9); once in
     * 2²³ elements), ND4J keeps the element: found by a training run's masks, not by the random
     * cases above. The element is located with the generator's formula (written out here, in
     * long arithmetic as ND4J's source has it), then the whole mask is compared with ND4J's op.
     */
    @Test
    void anElementWhoseUniformEqualsTheKeepProbabilityIsKeptAsNd4jKeepsIt() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        for (double rate : new double[] {0.1, 0.5}) {
            float p = (float) (1 - rate);
            long target = (long) (p * 8388608.0);
            assertEquals(p * 8388608.0, (double) target, "p·2²³ must be an integer for this case");
            long seed = -7039228982037835259L;
            rng.setSeed(seed);
            long root = rng.rootState();
            long node = rng.nodeState();
            int at = -1;
            for (int i = 0; i < (1 << 26) && at < 0; i++) {
                long s0 = root | ((i + 2L) * (node + 24243287L));
                long s1 = node ^ ((i + 2L) * (s0 + 723829L));
                int w = (int) (s1 ^ s0);
                int v = Integer.rotateLeft(w * 0x9E3779BB, 5) * 5;
                if ((v >>> 9) == target) {
                    at = i;
                }
            }
            assertTrue(at >= 0, "no element with u = p in 2^26");
            float[] expected = nd4j(at + 1, rate, seed);
            assertTrue(expected[at] != 0f, "ND4J keeps u = p (rate " + rate + ")");
            INDArray got = Nd4j.create(DataType.FLOAT, at + 1);
            Nd4jMasks.fill(got, rate, rng, seed);
            assertSame(expected, got.toFloatVector(), "rate " + rate + ", u = p at element " + at);
        }
    }

    @Test
    void aMaskInsideALargerBufferIsWrittenAtItsOffsetOnly() {
        INDArray whole = Nd4j.valueArrayOf(new long[] {3, 5000}, 7f);
        INDArray row = whole.getRow(1);
        assertTrue(row.offset() > 0);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        Nd4jMasks.fill(row, 0.3, rng, -42L);
        assertSame(nd4j(5000, 0.3, -42L), row.toFloatVector(), "row view");
        for (int r : new int[] {0, 2}) {
            for (float v : whole.getRow(r).toFloatVector()) {
                assertEquals(7f, v, "row " + r + " untouched");
            }
        }
    }
}
