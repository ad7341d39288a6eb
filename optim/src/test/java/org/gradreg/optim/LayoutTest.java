package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients from matrix products of transposed views come in 'f' order while parameters are 'c';
 * the arithmetic must follow logical indices, not raw buffers.
 */
class LayoutTest {

    private static INDArray fOrder(double[][] values) {
        INDArray f = Nd4j.create(DataType.DOUBLE, new long[] {values.length, values[0].length}, 'f');
        f.assign(Nd4j.createFromArray(values));
        return f;
    }

    @Test
    void addScaledFollowsLogicalIndices() {
        double[][] g = {{1, 2, 3}, {4, 5, 6}};
        Params p = Params.of("w", Nd4j.zeros(DataType.DOUBLE, 2, 3));
        p.addScaled(2.0, Params.of("w", fOrder(g)));
        assertEquals('f', fOrder(g).ordering());
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, p.get("w").dup('c').data().asDouble(), 0.0);
    }

    @Test
    void rulesGiveTheSameStepForEitherGradientLayout() {
        double[][] g = {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}};
        for (UpdateRule rule : new UpdateRule[] {Sgd.of(0.1).momentum(0.9), org.gradreg.optim.transform.AddDecayedWeights.of(0.01, org.gradreg.optim.rule.DecayMask.all()).before(Adam.of(0.1))}) {
            Params a = Params.of("w", Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}));
            Params b = a.copy();
            UpdateRule ra = rule.fresh();
            UpdateRule rb = rule.fresh();
            for (int t = 0; t < 3; t++) {
                ra.apply(a, Params.of("w", Nd4j.createFromArray(g)), t);
                rb.apply(b, Params.of("w", fOrder(g)), t);
            }
            assertArrayEquals(a.get("w").dup('c').data().asDouble(), b.get("w").dup('c').data().asDouble(), 1e-15, rule.toString());
        }
    }
}
