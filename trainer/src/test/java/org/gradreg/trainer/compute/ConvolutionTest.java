package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend's convolution, forward, input gradient and weight gradient, against the
 * definition as plain double loops (y[b, o, i, j] = Σ_{c, ki, kj} x[b, c, i·s − p + ki, j·s − p + kj]
 * · W[ki, kj, c, o], 0 outside the image; dx and dW its adjoints), in FLOAT and DOUBLE, on the
 * interleaved path (the default) and the whole-batch path ({@code -Dgradreg.convInterleaved=false}),
 * at thread caps 1, 2 and 3 (above 1 the example-parallel path: examples split over threads, the
 * weight gradient's kernel-matrix columns split over threads; uneven splits included); and all of
 * them against each other bit for bit, so the thread count never changes a result (issue 20); each
 * with several examples per GEMM where the shape groups them ({@link ConvGroups}, the default) and
 * with grouping off.
 */
class ConvolutionTest {

    private static final int[][] SHAPES = { // batch, in, height, width, out, k, stride
        {3, 2, 6, 6, 4, 3, 1}, {3, 3, 7, 7, 2, 3, 2}, {2, 4, 5, 5, 3, 1, 2}, {1, 1, 1, 1, 2, 3, 1}, {5, 3, 8, 6, 5, 3, 1},
        {2, 2, 9, 9, 3, 1, 1}, {6, 16, 14, 14, 16, 3, 1}, {4, 64, 8, 8, 32, 3, 1}, {5, 8, 9, 9, 8, 3, 2}, {3, 32, 6, 6, 8, 3, 1}, {4, 128, 4, 4, 8, 3, 1}};

    private record Out(double[] y, double[] dx, double[] dw) {
    }

    private static Out run(CpuBackend be, ConvShape s, INDArray x, INDArray w, INDArray dy, boolean interleaved, int threads) {
        int before = Nd4j.getEnvironment().maxMasterThreads();
        String old = System.getProperty("gradreg.convInterleaved");
        try {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            System.setProperty("gradreg.convInterleaved", Boolean.toString(interleaved));
            assertTrue(CpuBackend.interleaved() == interleaved);
            INDArray y = Nd4j.valueArrayOf(new long[] {s.batch(), s.out(), s.outHeight(), s.outWidth()}, 7.0, x.dataType());
            INDArray dx = Nd4j.valueArrayOf(x.shape(), 7.0, x.dataType());
            INDArray dw = Nd4j.valueArrayOf(w.shape(), 7.0, x.dataType());
            be.conv2d(s, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(y));
            be.conv2dBackward(s, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(dy), CpuBackend.wrap(dw), CpuBackend.wrap(dx));
            return new Out(y.data().asDouble(), dx.data().asDouble(), dw.data().asDouble());
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
            if (old == null) {
                System.clearProperty("gradreg.convInterleaved");
            } else {
                System.setProperty("gradreg.convInterleaved", old);
            }
        }
    }

    @Test
    void bothPathsFollowTheDefinitionAndAreBitIdentical() {
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            try (CpuBackend be = new CpuBackend(t)) {
                for (int[] d : SHAPES) {
                    ConvShape s = new ConvShape(d[0], d[1], d[2], d[3], d[4], d[5], d[6], (d[5] - 1) / 2);
                    String what = t + " " + s;
                    SplittableRandom r = new SplittableRandom(d[2] * 131L + d[4] * 7L + d[6]);
                    int n = s.batch();
                    int ci = s.in();
                    int co = s.out();
                    int k = s.k();
                    int oh = s.outHeight();
                    int ow = s.outWidth();
                    double[][][][] x = new double[n][ci][s.height()][s.width()];
                    double[][][][] w = new double[k][k][ci][co];
                    double[][][][] dy = new double[n][co][oh][ow];
                    INDArray xa = Nd4j.create(t, n, ci, s.height(), s.width());
                    INDArray wa = Nd4j.create(t, k, k, ci, co);
                    INDArray dya = Nd4j.create(t, n, co, oh, ow);
                    fill(r, xa, x, t);
                    fill(r, wa, w, t);
                    fill(r, dya, dy, t);
                    // the definition, with the sums of magnitudes for a rounding bound
                    double[] y = new double[n * co * oh * ow];
                    double[] yMag = new double[y.length];
                    double[] dx = new double[n * ci * s.height() * s.width()];
                    double[] dxMag = new double[dx.length];
                    double[] dw = new double[k * k * ci * co];
                    double[] dwMag = new double[dw.length];
                    for (int b = 0; b < n; b++) {
                        for (int o = 0; o < co; o++) {
                            for (int i = 0; i < oh; i++) {
                                for (int j = 0; j < ow; j++) {
                                    int yi = ((b * co + o) * oh + i) * ow + j;
                                    for (int c = 0; c < ci; c++) {
                                        for (int ki = 0; ki < k; ki++) {
                                            for (int kj = 0; kj < k; kj++) {
                                                int ih = i * s.stride() - s.pad() + ki;
                                                int iw = j * s.stride() - s.pad() + kj;
                                                if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) {
                                                    continue;
                                                }
                                                double xv = x[b][c][ih][iw];
                                                double wv = w[ki][kj][c][o];
                                                double g = dy[b][o][i][j];
                                                y[yi] += xv * wv;
                                                yMag[yi] += Math.abs(xv * wv);
                                                int xi = ((b * ci + c) * s.height() + ih) * s.width() + iw;
                                                dx[xi] += g * wv;
                                                dxMag[xi] += Math.abs(g * wv);
                                                int wi = ((ki * k + kj) * ci + c) * co + o;
                                                dw[wi] += g * xv;
                                                dwMag[wi] += Math.abs(g * xv);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    double tol = t == DataType.DOUBLE ? 1e-14 : 1e-6;
                    for (String columns : new String[] {null, "1"}) { // grouped GEMMs where the shape groups (the default), and never
                      String old = System.getProperty("gradreg.convGroupColumns");
                      setOrClear("gradreg.convGroupColumns", columns);
                      try {
                        int g = ConvGroups.group(s);
                        assertTrue(columns == null || g == 1, "grouping is off at gradreg.convGroupColumns=1");
                        if (columns == null && s.batch() > 1 && s.positions() <= 64) {
                            assertTrue(g > 1, what + ": a small plane is grouped");
                        }
                        Out reference = null;
                        for (boolean inter : new boolean[] {false, true}) {
                          for (int threads : new int[] {1, 2, 3}) {
                            Out got = run(be, s, xa, wa, dya, inter, threads);
                            String how = what + " groups of " + g + (inter ? " interleaved" : " whole batch") + ", " + threads + " thread(s)";
                            close(y, yMag, got.y(), tol, how + " forward");
                            close(dx, dxMag, got.dx(), tol, how + " input gradient");
                            close(dw, dwMag, got.dw(), tol, how + " weight gradient");
                            if (reference == null) {
                                reference = got;
                            } else {
                                assertArrayEquals(reference.y(), got.y(), how + ": forward not bit-identical to the whole-batch path");
                                assertArrayEquals(reference.dx(), got.dx(), how + ": input gradient not bit-identical");
                                assertArrayEquals(reference.dw(), got.dw(), how + ": weight gradient not bit-identical");
                            }
                          }
                        }
                      } finally {
                        setOrClear("gradreg.convGroupColumns", old);
                      }
                    }
                }
            }
        }
    }

    private static void setOrClear(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** Entries uniform in [−1, 1), rounded to the array's type so both sides see the same numbers. */
    private static void fill(SplittableRandom r, INDArray a, double[][][][] v, DataType t) {
        long i = 0;
        for (double[][][] p : v) {
            for (double[][] q : p) {
                for (double[] row : q) {
                    for (int j = 0; j < row.length; j++) {
                        double d = r.nextDouble(-1, 1);
                        row[j] = t == DataType.FLOAT ? (float) d : d;
                        a.putScalar(i++, row[j]);
                    }
                }
            }
        }
    }

    private static void close(double[] want, double[] mag, double[] got, double tol, String what) {
        assertTrue(want.length == got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            assertTrue(err <= tol * (mag[i] + 1e-300) * 8 + 1e-300 || err == 0,
                    what + "[" + i + "]: " + got[i] + " against the definition's " + want[i]);
        }
    }
}
