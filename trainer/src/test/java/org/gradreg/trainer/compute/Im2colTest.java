package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java im2col/col2im against the definition written out per element (column entry (c, ki, kj;
 * oh, ow) = x[c, oh·s − p + ki, ow·s − p + kj], 0 outside; col2im its adjoint: Σ over the entries
 * that read an input position) and against ND4J's im2col/col2im ops, bit for bit, in FLOAT and
 * DOUBLE, for kernel sizes 1 and 3, strides 1 and 2, images smaller than the kernel and odd sides.
 */
class Im2colTest {

    private static final int[][] SHAPES = { // batch, in, height, width, k, stride
        {2, 3, 5, 5, 3, 1}, {3, 2, 8, 8, 3, 2}, {2, 4, 7, 7, 3, 2}, {2, 3, 6, 6, 1, 2}, {1, 2, 4, 4, 1, 1},
        {2, 1, 1, 1, 3, 1}, {2, 2, 2, 3, 3, 2}, {1, 3, 28, 28, 3, 1},
        // more stride-1 "same" shapes (the fast path): non-square, 5×5 kernels, a kernel wider than the image
        {2, 3, 3, 7, 3, 1}, {1, 2, 6, 5, 5, 1}, {1, 2, 2, 2, 5, 1}, {2, 2, 1, 6, 3, 1}};

    @Test
    void columnsAndTheirAdjointFollowTheDefinitionAndEqualNd4jsOps() {
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (int[] d : SHAPES) {
                ConvShape s = new ConvShape(d[0], d[1], d[2], d[3], 5, d[4], d[5], (d[4] - 1) / 2);
                String what = t + " " + s;
                SplittableRandom r = new SplittableRandom(d[2] * 31L + d[5]);
                INDArray x = Nd4j.create(t, s.batch(), s.in(), s.height(), s.width());
                for (long i = 0; i < x.length(); i++) {
                    x.putScalar(i, r.nextDouble(-1, 1));
                }
                assertTrue(Im2col.applies(s, x), what);
                int oh = s.outHeight();
                int ow = s.outWidth();
                int k = s.k();
                long n = s.batch() * s.columnRows() * s.positions();
                DataBuffer cols = Nd4j.createBuffer(t, n + 7, false); // longer than needed, as the backend's shared scratch
                Im2col.im2col(s, x, cols);
                INDArray mine = Nd4j.create(cols, new long[] {s.batch(), s.in(), k, k, oh, ow});
                // the definition
                for (int b = 0; b < s.batch(); b++) {
                    for (int c = 0; c < s.in(); c++) {
                        for (int ki = 0; ki < k; ki++) {
                            for (int kj = 0; kj < k; kj++) {
                                for (int y = 0; y < oh; y++) {
                                    for (int z = 0; z < ow; z++) {
                                        int ih = y * s.stride() - s.pad() + ki;
                                        int iw = z * s.stride() - s.pad() + kj;
                                        double want = ih >= 0 && ih < s.height() && iw >= 0 && iw < s.width() ? x.getDouble(b, c, ih, iw) : 0;
                                        assertEquals(want, mine.getDouble(b, c, ki, kj, y, z), 0.0, what);
                                    }
                                }
                            }
                        }
                    }
                }
                // ND4J's op
                INDArray theirs = Nd4j.create(t, s.batch(), s.in(), k, k, oh, ow);
                Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(theirs)
                        .addIntegerArguments(k, k, s.stride(), s.stride(), s.pad(), s.pad(), 1, 1, 0).addFloatingPointArguments(0.0).build());
                assertArrayEquals(theirs.data().asDouble(), mine.dup().data().asDouble(), what + " im2col vs ND4J");
                // col2im of random columns: the definition (plain double sums) and ND4J's op
                INDArray dcols = Nd4j.create(cols, new long[] {s.batch(), s.in(), k, k, oh, ow});
                for (long i = 0; i < dcols.length(); i++) {
                    dcols.putScalar(i, r.nextDouble(-1, 1));
                }
                INDArray dx = Nd4j.valueArrayOf(x.shape(), 9.0, t); // overwritten
                Im2col.col2im(s, cols, dx);
                double[][][][] sum = new double[s.batch()][s.in()][s.height()][s.width()];
                for (int b = 0; b < s.batch(); b++) {
                    for (int c = 0; c < s.in(); c++) {
                        for (int ki = 0; ki < k; ki++) {
                            for (int kj = 0; kj < k; kj++) {
                                for (int y = 0; y < oh; y++) {
                                    for (int z = 0; z < ow; z++) {
                                        int ih = y * s.stride() - s.pad() + ki;
                                        int iw = z * s.stride() - s.pad() + kj;
                                        if (ih >= 0 && ih < s.height() && iw >= 0 && iw < s.width()) {
                                            sum[b][c][ih][iw] += dcols.getDouble(b, c, ki, kj, y, z);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                double tol = t == DataType.DOUBLE ? 1e-14 : 1e-5;
                for (int b = 0; b < s.batch(); b++) {
                    for (int c = 0; c < s.in(); c++) {
                        for (int y = 0; y < s.height(); y++) {
                            for (int z = 0; z < s.width(); z++) {
                                assertEquals(sum[b][c][y][z], dx.getDouble(b, c, y, z), tol, what + " col2im");
                            }
                        }
                    }
                }
                INDArray nd = Nd4j.create(t, x.shape());
                Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(dcols.dup()).addOutputs(nd)
                        .addIntegerArguments(s.stride(), s.stride(), s.pad(), s.pad(), s.height(), s.width(), 1, 1, 0).build());
                assertArrayEquals(nd.data().asDouble(), dx.data().asDouble(), what + " col2im vs ND4J");
            }
        }
    }
}
