package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java 2×2 max pooling ({@link MaxPoolKernels}) against the definition written out per window
 * in plain double arithmetic (y = the largest of the window's four values; backward: dy to the
 * first position, row by row, holding that largest value, 0 elsewhere) on ordinary data, and
 * against ND4J's maxpool2d / maxpool2d_bp ops bit for bit (raw bits compared, so −0 counts), also
 * on data full of ties (ReLU zeros and a few repeated values), −0, ±∞ and NaN, odd sides, 1×1 and
 * more planes than threads, FLOAT and DOUBLE, at 1 and 2 threads.
 */
class MaxPoolKernelsTest {

    private static final int[][] SHAPES = { // batch, channels, height, width
        {2, 3, 8, 8}, {3, 2, 7, 5}, {1, 1, 2, 2}, {2, 5, 3, 3}, {4, 3, 28, 28}, {1, 2, 3, 4}};

    private static final int[] POOL = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};

    /** mode 0: distinct values; 1: ReLU-like with ties and −0; 2: ties, −0, ±∞, NaN, −MAX. */
    private static INDArray input(DataType t, int[] d, int mode, SplittableRandom r) {
        INDArray x = Nd4j.create(t, d[0], d[1], d[2], d[3]);
        double[] special = {0.0, -0.0, 1.0, 1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            t == DataType.FLOAT ? -Float.MAX_VALUE : -Double.MAX_VALUE, t == DataType.FLOAT ? -3.4028230607370965e38 : -1.7976931348623155e308};
        for (long i = 0; i < x.length(); i++) {
            double v = r.nextDouble(-1, 1);
            if (mode == 1) {
                v = v < 0 ? (r.nextBoolean() ? 0.0 : -0.0) : r.nextInt(4) == 0 ? 0.5 : v;
            } else if (mode == 2 && r.nextInt(3) > 0) {
                v = special[r.nextInt(special.length)];
            }
            x.putScalar(i, v);
        }
        return x;
    }

    private static INDArray grad(DataType t, long[] shape, SplittableRandom r) {
        INDArray g = Nd4j.create(t, shape);
        for (long i = 0; i < g.length(); i++) {
            g.putScalar(i, r.nextInt(5) == 0 ? -0.0 : r.nextDouble(-1, 1));
        }
        return g;
    }

    private static long[] bits(INDArray a) {
        double[] v = a.dup().data().asDouble();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @Test
    void followsTheDefinitionAndEqualsNd4jsOpsBitForBit() {
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        try {
            for (int th : new int[] {1, 2}) {
                Nd4j.getEnvironment().setMaxMasterThreads(th);
                for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                    for (int[] d : SHAPES) {
                        for (int mode = 0; mode < 3; mode++) {
                            check(t, d, mode, th);
                        }
                    }
                }
            }
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
    }

    private static void check(DataType t, int[] d, int mode, int th) {
        String what = t + " " + java.util.Arrays.toString(d) + " mode " + mode + " threads " + th;
        SplittableRandom r = new SplittableRandom(d[2] * 131L + d[3] * 7L + mode);
        INDArray x = input(t, d, mode, r);
        int oh = d[2] / 2;
        int ow = d[3] / 2;
        INDArray y = Nd4j.valueArrayOf(new long[] {d[0], d[1], oh, ow}, 9.0, t);
        assertTrue(MaxPoolKernels.applies(x, y), what);
        MaxPoolKernels.forward(x, y);
        INDArray dy = grad(t, y.shape(), r);
        INDArray dx = Nd4j.valueArrayOf(x.shape(), 9.0, t); // overwritten
        MaxPoolKernels.backward(x, dy, dx);
        if (mode == 0) {
            // the definition, in plain double arithmetic
            for (int b = 0; b < d[0]; b++) {
                for (int c = 0; c < d[1]; c++) {
                    double[][] want = new double[d[2]][d[3]];
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double m = Double.NEGATIVE_INFINITY;
                            int mi = -1;
                            int mj = -1;
                            for (int u = 0; u < 2; u++) {
                                for (int v = 0; v < 2; v++) {
                                    double e = x.getDouble(b, c, 2 * i + u, 2 * j + v);
                                    if (e > m) {
                                        m = e;
                                        mi = 2 * i + u;
                                        mj = 2 * j + v;
                                    }
                                }
                            }
                            assertEquals(m, y.getDouble(b, c, i, j), 0.0, what);
                            want[mi][mj] = dy.getDouble(b, c, i, j);
                        }
                    }
                    for (int i = 0; i < d[2]; i++) {
                        for (int j = 0; j < d[3]; j++) {
                            assertEquals(want[i][j], dx.getDouble(b, c, i, j), 0.0, what + " backward");
                        }
                    }
                }
            }
        }
        // ND4J's ops, bit for bit
        INDArray y2 = Nd4j.create(t, y.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y2).addIntegerArguments(POOL).build());
        assertArrayEquals(bits(y2), bits(y), what + " forward vs ND4J");
        INDArray dx2 = Nd4j.create(t, x.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, dy).addOutputs(dx2).addIntegerArguments(POOL).build());
        assertArrayEquals(bits(dx2), bits(dx), what + " backward vs ND4J");
    }
}
