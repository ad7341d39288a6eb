package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Exact GELU, y = x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)) (ND4J's preciseGelu uses another formula and
 * its gelu derivative overflows); backward dy·(Φ(x) + x·φ(x)), φ the standard normal density.
 */
final class Gelu {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Gelu() {
    }

    /** cdf ← Φ(x), y ← x·Φ(x). */
    static void forward(INDArray x, INDArray cdf, INDArray y) {
        cdf.assign(x).muli(INV_SQRT2);
        Nd4j.exec(new Erf(cdf, cdf));
        cdf.addi(1.0).muli(0.5);
        y.assign(x).muli(cdf);
    }

    /** dy ← dy·(Φ(x) + x·φ(x)) in place; tmp is a scratch buffer shaped like x. */
    static void backwardInPlace(INDArray x, INDArray cdf, INDArray dy, INDArray tmp) {
        tmp.assign(x).muli(x).muli(-0.5);
        Transforms.exp(tmp, false);
        tmp.muli(INV_SQRT_2PI).muli(x).addi(cdf);
        dy.muli(tmp);
    }
}
