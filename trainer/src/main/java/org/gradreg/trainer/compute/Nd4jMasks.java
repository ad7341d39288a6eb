package org.gradreg.trainer.compute;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The host-drawn inverted-dropout masks of the CPU default ({@code --masks host}): 0 with
 * probability {@code rate}, else 1/(1 − rate), by ND4J's counter-based generator seeded with a
 * pure function of (step seed, site). Every recorded run's masks came from ND4J's op
 * ({@code BernoulliDistribution} and a scalar multiply, two native passes); a packed FLOAT mask is
 * now computed in Java with the same generator arithmetic ({@link HostKernels#nd4jBernoulliMask}),
 * the same values bit for bit, in one pass split over {@code --threads} for large masks (issue 20:
 * the masks were ~7% of the small ViT's training loop). DOUBLE masks, views, seed 0 (for which
 * ND4J's op seeds itself from the clock) and {@code -Dgradreg.hostKernels=false} keep ND4J's op.
 */
public final class Nd4jMasks {

    private Nd4jMasks() {
    }

    /** Fills {@code a} with the mask of this rate (0 ≤ rate &lt; 1) for this seed, using {@code rng}'s state. */
    public static void fill(INDArray a, double rate, Random rng, long seed) {
        rng.setSeed(seed);
        double keep = 1 - rate;
        if (seed != 0 && a.dataType() == DataType.FLOAT && HostKernels.dense(a)) {
            HostKernels.nd4jBernoulliMask(a, (float) keep, (float) (1 / keep), rng.rootState(), rng.nodeState());
            return;
        }
        Nd4j.getExecutioner().exec(new BernoulliDistribution(a, keep), rng);
        a.muli(1 / keep);
    }
}
