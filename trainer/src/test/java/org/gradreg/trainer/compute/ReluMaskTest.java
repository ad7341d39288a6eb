package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The branch-free ReLU mask of {@link BatchNormKernels#positive} against its definition, v &gt; 0, on special values and random bit patterns. */
class ReluMaskTest {

    @Test
    void isAllOnesExactlyWhereTheValueIsPositive() {
        float[] fs = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xffc00000),
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0x80000001)};
        for (float v : fs) {
            int b = Float.floatToRawIntBits(v);
            assertEquals(v > 0 ? -1 : 0, BatchNormKernels.positive(b), Integer.toHexString(b));
        }
        double[] ds = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.longBitsToDouble(0x7fffffffffffffffL),
            Double.longBitsToDouble(0x7ff0000000000001L), Double.longBitsToDouble(0x8000000000000001L)};
        for (double v : ds) {
            long b = Double.doubleToRawLongBits(v);
            assertEquals(v > 0 ? -1L : 0L, BatchNormKernels.positive(b), Long.toHexString(b));
        }
        SplittableRandom r = new SplittableRandom(20);
        for (int i = 0; i < 1_000_000; i++) {
            int b = r.nextInt();
            assertEquals(Float.intBitsToFloat(b) > 0 ? -1 : 0, BatchNormKernels.positive(b), Integer.toHexString(b));
            long l = r.nextLong();
            assertEquals(Double.longBitsToDouble(l) > 0 ? -1L : 0L, BatchNormKernels.positive(l), Long.toHexString(l));
        }
    }
}
