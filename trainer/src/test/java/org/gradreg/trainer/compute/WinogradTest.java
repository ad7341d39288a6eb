package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Winograd F(2×2, 3×3) path ({@code -Dgradreg.conv=winograd}, FLOAT, 3×3 stride 1 pad 1):
 * forward, input gradient and weight gradient against the convolution's definition as plain double
 * loops (y[b, o, i, j] = Σ_{c, ki, kj} x[b, c, i − 1 + ki, j − 1 + kj] · W[ki, kj, c, o], 0 outside
 * the image; dx and dW its adjoints), within a FLOAT rounding bound on the sums of magnitudes; at
 * thread caps 1, 2 and 3, bit for bit equal to each other (examples grouped on small planes, groups
 * shared out or, with fewer groups than threads, each group's 16 GEMMs); odd planes (the last tile
 * half outside), batches not a multiple of the group, and the input gradient left out.
 */
class WinogradTest {

    private static final int[][] SHAPES = { // batch, in, height, width, out
        {3, 8, 6, 6, 8}, {5, 16, 7, 7, 12}, {2, 8, 5, 9, 16}, {7, 32, 4, 4, 8}, {3, 12, 32, 32, 8}, {33, 8, 2, 2, 8}, {1, 9, 3, 1, 10},
        {9, 8, 12, 11, 8}, {3, 256, 2, 3, 128}};

    private record Out(double[] y, double[] dx, double[] dw) {
    }

    /** The Winograd path itself (not through the backend's choice), at a thread cap. */
    private static Out run(ConvShape s, INDArray x, INDArray w, INDArray dy, int threads, boolean withDx) {
        int before = Nd4j.getEnvironment().maxMasterThreads();
        try {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Winograd wg = new Winograd();
            INDArray y = Nd4j.valueArrayOf(new long[] {s.batch(), s.out(), s.height(), s.width()}, 7.0, x.dataType());
            INDArray dx = Nd4j.valueArrayOf(x.shape(), 7.0, x.dataType());
            INDArray dw = Nd4j.valueArrayOf(w.shape(), 7.0, x.dataType());
            wg.forward(s, x, w, y);
            wg.backward(s, x, w, dy, dw, withDx ? dx : null);
            return new Out(y.data().asDouble(), withDx ? dx.data().asDouble() : null, dw.data().asDouble());
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
        }
    }

    /** Through the CPU backend with its convolutions set to {@code algorithm}. */
    private static Out backend(CpuBackend be, String algorithm, ConvShape s, INDArray x, INDArray w, INDArray dy) {
        be.convolutions(algorithm);
        INDArray y = Nd4j.create(x.dataType(), s.batch(), s.out(), s.height(), s.width());
        INDArray dx = Nd4j.create(x.dataType(), x.shape());
        INDArray dw = Nd4j.create(x.dataType(), w.shape());
        be.conv2d(s, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(y));
        be.conv2dBackward(s, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(dy), CpuBackend.wrap(dw), CpuBackend.wrap(dx));
        return new Out(y.data().asDouble(), dx.data().asDouble(), dw.data().asDouble());
    }

    @Test
    void theBackendTakesThePathItIsSetTo() {
        ConvShape s = new ConvShape(3, 12, 32, 32, 8, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(5);
        INDArray x = fill(r, new double[3 * 12 * 32 * 32], 3, 12, 32, 32);
        INDArray w = fill(r, new double[9 * 12 * 8], 3, 3, 12, 8);
        INDArray dy = fill(r, new double[3 * 8 * 32 * 32], 3, 8, 32, 32);
        Out direct = run(s, x, w, dy, 1, true);
        try (CpuBackend be = new CpuBackend(DataType.FLOAT)) {
            Out wino = backend(be, "winograd", s, x, w, dy);
            assertArrayEquals(direct.y(), wino.y(), "convolutions(winograd): the Winograd forward");
            assertArrayEquals(direct.dx(), wino.dx(), "convolutions(winograd): the Winograd input gradient");
            assertArrayEquals(direct.dw(), wino.dw(), "convolutions(winograd): the Winograd weight gradient");
            Out im2col = backend(be, "im2col", s, x, w, dy);
            assertFalse(java.util.Arrays.equals(direct.y(), im2col.y()), "convolutions(im2col) rounds as im2col, not as Winograd");
            assertFalse(java.util.Arrays.equals(direct.dw(), im2col.dw()), "convolutions(im2col): im2col's weight gradient");
            assertThrows(IllegalArgumentException.class, () -> be.convolutions("fft"));
        }
    }

    @Test
    void followsTheDefinitionAndNoBitDependsOnTheThreads() {
        for (int[] d : SHAPES) {
            ConvShape s = new ConvShape(d[0], d[1], d[2], d[3], d[4], 3, 1, 1);
            assertTrue(Winograd.applies(s), s + " takes the Winograd path");
            int n = s.batch();
            int ci = s.in();
            int co = s.out();
            int h = s.height();
            int wd = s.width();
            SplittableRandom r = new SplittableRandom(h * 131L + co * 7L + n);
            double[] x = new double[n * ci * h * wd];
            double[] w = new double[9 * ci * co];
            double[] dy = new double[n * co * h * wd];
            INDArray xa = fill(r, x, n, ci, h, wd);
            INDArray wa = fill(r, w, 3, 3, ci, co);
            INDArray dya = fill(r, dy, n, co, h, wd);
            double[] y = new double[dy.length];
            double[] yMag = new double[y.length];
            double[] dx = new double[x.length];
            double[] dxMag = new double[x.length];
            double[] dw = new double[w.length];
            double[] dwMag = new double[w.length];
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < co; o++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            int yi = ((b * co + o) * h + i) * wd + j;
                            for (int c = 0; c < ci; c++) {
                                for (int ki = 0; ki < 3; ki++) {
                                    for (int kj = 0; kj < 3; kj++) {
                                        int ih = i - 1 + ki;
                                        int iw = j - 1 + kj;
                                        if (ih < 0 || ih >= h || iw < 0 || iw >= wd) {
                                            continue;
                                        }
                                        int xi = ((b * ci + c) * h + ih) * wd + iw;
                                        int wi = ((ki * 3 + kj) * ci + c) * co + o;
                                        y[yi] += x[xi] * w[wi];
                                        yMag[yi] += Math.abs(x[xi] * w[wi]);
                                        dx[xi] += dy[yi] * w[wi];
                                        dxMag[xi] += Math.abs(dy[yi] * w[wi]);
                                        dw[wi] += dy[yi] * x[xi];
                                        dwMag[wi] += Math.abs(dy[yi] * x[xi]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            int before = Winograd.channelsLastPlane;
            try {
                for (int plane : new int[] {0, Integer.MAX_VALUE}) { // every shape in both layouts
                    Winograd.channelsLastPlane = plane;
                    layout(s, xa, wa, dya, y, yMag, dx, dxMag, dw, dwMag);
                }
            } finally {
                Winograd.channelsLastPlane = before;
            }
        }
    }

    private static void layout(ConvShape s, INDArray xa, INDArray wa, INDArray dya, double[] y, double[] yMag, double[] dx, double[] dxMag,
                           double[] dw, double[] dwMag) {
        Out reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            Out got = run(s, xa, wa, dya, threads, true);
            String how = s + (Winograd.channelsLast(s) ? " channels-last" : " planar") + ", groups of " + Winograd.group(s) + ", " + threads + " thread(s)";
            close(y, yMag, got.y(), how + " forward");
            close(dx, dxMag, got.dx(), how + " input gradient");
            close(dw, dwMag, got.dw(), how + " weight gradient");
            if (reference == null) {
                reference = got;
            } else {
                assertArrayEquals(reference.y(), got.y(), how + ": forward not bit-identical to 1 thread's");
                assertArrayEquals(reference.dx(), got.dx(), how + ": input gradient not bit-identical");
                assertArrayEquals(reference.dw(), got.dw(), how + ": weight gradient not bit-identical");
            }
            Out noDx = run(s, xa, wa, dya, threads, false);
            assertArrayEquals(reference.dw(), noDx.dw(), how + ": weight gradient without the input gradient");
        }
    }

    @Test
    void theWarmUpRunsOnItsOwnArrays() {
        // the background thread swallows failures (it is only a speed-up), so its work is run here, where one would show
        assertDoesNotThrow(Winograd::warmUp);
    }

    @Test
    void otherShapesAndTypesKeepTheIm2colPath() {
        assertFalse(Winograd.applies(new ConvShape(2, 8, 8, 8, 8, 3, 2, 1)), "stride 2");
        assertFalse(Winograd.applies(new ConvShape(2, 8, 8, 8, 8, 1, 1, 0)), "1×1");
        assertFalse(Winograd.applies(new ConvShape(2, 3, 8, 8, 8, 3, 1, 1)), "3 input channels");
        assertFalse(Winograd.applies(new ConvShape(2, 8, 8, 8, 8, 3, 1, 1), Nd4j.create(DataType.DOUBLE, 2, 8, 8, 8)), "DOUBLE");
        assertFalse(System.getProperty("gradreg.conv") == null && Winograd.enabled(), "im2col unless chosen");
    }

    /** Entries uniform in [−1, 1), rounded to FLOAT so both sides see the same numbers. */
    private static INDArray fill(SplittableRandom r, double[] v, long... shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) r.nextDouble(-1, 1);
            v[i] = f[i];
        }
        return Nd4j.create(f, shape, 'c');
    }

    /** |error| ≤ 2⁻²⁰·(Σ|terms| + 1e-30)·16: the transforms add a few roundings of the magnitudes each (a wrong formula is off by O(1)). */
    private static void close(double[] want, double[] mag, double[] got, String what) {
        assertTrue(want.length == got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            double bound = 16 * 0x1p-20 * (mag[i] + 1e-30);
            assertTrue(err <= bound, what + "[" + i + "]: " + got[i] + " against the definition's " + want[i] + " (Σ|terms| " + mag[i] + ")");
        }
    }
}
