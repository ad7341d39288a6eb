package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * im2col and col2im for the CPU backend's convolutions, as plain Java loops, for the one layout
 * the engines use: an NCHW batch x [B, C, H, W] and, per example, the column matrix [C·k·k, OH·OW] with rows in (c, ki, kj) order and columns in (oh, ow)
 * order (the layout of ND4J's im2col op with an [B, C, k, k, OH, OW] output, which this replaces:
 * ND4J's op took about 2/3 of a ResNet-18 step, issue 20). Zero padding, no dilation.
 *
 * <p>Column entry (c, ki, kj; oh, ow) = x[c, oh·s − p + ki, ow·s − p + kj], 0 outside the image;
 * col2im sums every column entry back onto that input position, each position's entries in
 * (oh, ow) order as ND4J's col2im does (so results are bit-identical to it). Each example is done
 * on Java arrays (one bulk copy in from the native memory, one out), so the inner loops are plain
 * array loops the JIT vectorises (an in-image stretch of a row at stride 1 is one arraycopy or one
 * vector add); examples are split over ND4J's thread cap ({@code --threads}) on the common
 * fork-join pool.
 */
final class Im2col {

    private Im2col() {
    }

    /** Whether the Java loops apply: whole 'c'-order arrays whose element counts fit int indices. */
    static boolean applies(ConvShape s, INDArray x) {
        long cols = (long) s.batch() * s.columnRows() * s.positions();
        return x.offset() == 0 && x.ordering() == 'c' && !x.isView() && x.elementWiseStride() == 1 && cols < Integer.MAX_VALUE
                && x.length() < Integer.MAX_VALUE;
    }

    /** cols (the first B·C·k·k·OH·OW elements) ← the column matrices of every example of x. */
    static void im2col(ConvShape s, INDArray x, DataBuffer cols) {
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer cb = cols.asNioFloat();
            each(s.batch(), b -> im2col(s, xb, cb, b, b));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(s.batch(), b -> im2col(s, xb, cb, b, b));
        }
    }

    /**
     * Examples [from, to) of x as column matrices into slots 0, 1, … of cols (the first
     * (to − from)·C·k·k·OH·OW elements): the interleaved convolution's block (issue 20).
     */
    static void im2col(ConvShape s, INDArray x, DataBuffer cols, int from, int to) {
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer cb = cols.asNioFloat();
            each(to - from, i -> im2col(s, xb, cb, from + i, i));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(to - from, i -> im2col(s, xb, cb, from + i, i));
        }
    }

    /** Examples [from, to) of dx (overwritten) ← the column matrices in slots 0, 1, … of cols summed back onto the image. */
    static void col2im(ConvShape s, DataBuffer cols, INDArray dx, int from, int to) {
        if (dx.dataType() == DataType.FLOAT) {
            FloatBuffer db = dx.data().asNioFloat();
            FloatBuffer cb = cols.asNioFloat();
            each(to - from, i -> col2im(s, cb, db, from + i, i));
        } else {
            DoubleBuffer db = dx.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(to - from, i -> col2im(s, cb, db, from + i, i));
        }
    }

    /** dx ← the column matrices in cols summed back onto the image (overwritten). */
    static void col2im(ConvShape s, DataBuffer cols, INDArray dx) {
        if (dx.dataType() == DataType.FLOAT) {
            FloatBuffer db = dx.data().asNioFloat();
            FloatBuffer cb = cols.asNioFloat();
            each(s.batch(), b -> col2im(s, cb, db, b, b));
        } else {
            DoubleBuffer db = dx.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(s.batch(), b -> col2im(s, cb, db, b, b));
        }
    }

    /** Example b of x as a column matrix into slot {@code slot} of cols, on the calling thread (the example-parallel convolution). */
    static void im2colOne(ConvShape s, INDArray x, DataBuffer cols, int b, int slot) {
        if (x.dataType() == DataType.FLOAT) {
            im2col(s, x.data().asNioFloat(), cols.asNioFloat(), b, slot);
        } else {
            im2col(s, x.data().asNioDouble(), cols.asNioDouble(), b, slot);
        }
    }

    /** Example b of dx (overwritten) ← the column matrix in slot {@code slot} of cols summed back onto the image, on the calling thread. */
    static void col2imOne(ConvShape s, DataBuffer cols, INDArray dx, int b, int slot) {
        if (dx.dataType() == DataType.FLOAT) {
            col2im(s, cols.asNioFloat(), dx.data().asNioFloat(), b, slot);
        } else {
            col2im(s, cols.asNioDouble(), dx.data().asNioDouble(), b, slot);
        }
    }

    /**
     * Rows [r0, r1) of example b's column matrix (rows in (c, ki, kj) order, each OH·OW long) into
     * cols from element {@code at} on, on the calling thread: the part of the columns one thread of
     * the example-parallel weight gradient needs (its range of the kernel matrix's columns). The
     * entries are those of {@link #im2col}, copied, so the rows are the same bits.
     */
    static void im2colRows(ConvShape s, INDArray x, DataBuffer cols, int b, int r0, int r1, long at) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int hw = h * w;
        int pp = oh * ow;
        int c0 = r0 / (k * k);
        int c1 = (r1 - 1) / (k * k) + 1;
        int n = (r1 - r0) * pp;
        long image = (long) b * ch * hw;
        boolean f = x.dataType() == DataType.FLOAT;
        float[][] fs = f ? floats((c1 - c0) * hw, n) : null;
        double[][] ds = f ? null : doubles((c1 - c0) * hw, n);
        if (f) {
            x.data().asNioFloat().get((int) (image + (long) c0 * hw), fs[0], 0, (c1 - c0) * hw);
        } else {
            x.data().asNioDouble().get((int) (image + (long) c0 * hw), ds[0], 0, (c1 - c0) * hw);
        }
        int row = 0;
        for (int r = r0; r < r1; r++) {
            int plane = (r / (k * k) - c0) * hw;
            int ki = (r / k) % k;
            int kj = r % k;
            // output columns whose input column ow·st − p + kj is inside the image
            int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
            int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
            for (int y = 0; y < oh; y++, row += ow) {
                int ih = y * st - p + ki;
                if (f) {
                    rowOf(fs[0], fs[1], row, ow, ih >= 0 && ih < h, plane + ih * w - p + kj, lo, hi, st);
                } else {
                    rowOf(ds[0], ds[1], row, ow, ih >= 0 && ih < h, plane + ih * w - p + kj, lo, hi, st);
                }
            }
        }
        if (f) {
            cols.asNioFloat().put((int) at, fs[1], 0, n);
        } else {
            cols.asNioDouble().put((int) at, ds[1], 0, n);
        }
    }

    /** col[row, row + ow) ← entries xi[xr + j·st] for j in [lo, hi), 0 elsewhere (all 0 for a row outside the image). */
    private static void rowOf(float[] xi, float[] col, int row, int ow, boolean inside, int xr, int lo, int hi, int st) {
        if (!inside) {
            java.util.Arrays.fill(col, row, row + ow, 0f);
            return;
        }
        java.util.Arrays.fill(col, row, row + lo, 0f);
        if (st == 1) {
            System.arraycopy(xi, xr + lo, col, row + lo, hi - lo);
        } else {
            for (int j = lo; j < hi; j++) {
                col[row + j] = xi[xr + j * st];
            }
        }
        java.util.Arrays.fill(col, row + hi, row + ow, 0f);
    }

    private static void rowOf(double[] xi, double[] col, int row, int ow, boolean inside, int xr, int lo, int hi, int st) {
        if (!inside) {
            java.util.Arrays.fill(col, row, row + ow, 0.0);
            return;
        }
        java.util.Arrays.fill(col, row, row + lo, 0.0);
        if (st == 1) {
            System.arraycopy(xi, xr + lo, col, row + lo, hi - lo);
        } else {
            for (int j = lo; j < hi; j++) {
                col[row + j] = xi[xr + j * st];
            }
        }
        java.util.Arrays.fill(col, row + hi, row + ow, 0.0);
    }

    /** body(i) for i in [0, n), split into contiguous chunks over ND4J's thread cap (also used by {@link BatchNormKernels}). */
    static void each(int n, java.util.function.IntConsumer body) {
        int threads = Math.min(n, Math.max(1, Nd4j.getEnvironment().maxMasterThreads()));
        if (threads <= 1) { // (the convolutions' own split, kept as it was: not switched off by gradreg.hostThreads)
            for (int b = 0; b < n; b++) {
                body.accept(b);
            }
            return;
        }
        Team.run(threads, t -> {
            for (int b = (int) ((long) n * t / threads); b < (int) ((long) n * (t + 1) / threads); b++) {
                body.accept(b);
            }
        });
    }

    /** Whether the stride-1 "same" fast path applies (output the input's size). */
    static boolean same(ConvShape s) {
        return s.stride() == 1 && s.outHeight() == s.height() && s.outWidth() == s.width() && !"false".equals(System.getProperty("gradreg.im2colSame"));
    }

    // ---- FLOAT ----

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[2][0]);

    /** This thread's two scratch arrays, grown to at least a and b elements. */
    private static float[][] floats(int a, int b) {
        float[][] s = FLOATS.get();
        if (s[0].length < a) {
            s[0] = new float[a];
        }
        if (s[1].length < b) {
            s[1] = new float[b];
        }
        return s;
    }

    private static void im2col(ConvShape s, FloatBuffer x, FloatBuffer c, int b, int slot) {
        if (same(s)) {
            im2colSame(s, x, c, b, slot);
            return;
        }
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int image = ch * h * w;
        int rows = ch * k * k * oh * ow;
        float[][] scratch = floats(image, rows);
        float[] xi = scratch[0];
        float[] col = scratch[1];
        x.get(b * image, xi, 0, image);
        int row = 0;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * h * w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    // output columns whose input column ow·st − p + kj is inside the image
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        rowOf(xi, col, row, ow, ih >= 0 && ih < h, plane + ih * w - p + kj, lo, hi, st);
                    }
                }
            }
        }
        c.put(slot * rows, col, 0, rows);
    }

    private static void col2im(ConvShape s, FloatBuffer c, FloatBuffer dx, int b, int slot) {
        if (same(s)) {
            col2imSame(s, c, dx, b, slot);
            return;
        }
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int image = ch * h * w;
        int rows = ch * k * k * oh * ow;
        float[][] scratch = floats(image, rows);
        float[] img = scratch[0];
        float[] col = scratch[1];
        java.util.Arrays.fill(img, 0, image, 0f);
        c.get(slot * rows, col, 0, rows);
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * h * w;
            // kernel offsets descending: every input position then sums its entries in (oh, ow) order, as ND4J's col2im
            for (int ki = k - 1; ki >= 0; ki--) {
                for (int kj = k - 1; kj >= 0; kj--) {
                    int row = ((c0 * k + ki) * k + kj) * oh * ow;
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        if (st == 1) {
                            for (int j = lo; j < hi; j++) {
                                img[xr + j] += col[row + j];
                            }
                        } else {
                            for (int j = lo; j < hi; j++) {
                                img[xr + j * st] += col[row + j];
                            }
                        }
                    }
                }
            }
        }
        dx.put(b * image, img, 0, image);
    }

    /**
     * im2col of one example for a stride-1 "same" convolution (output the input's size, as every
     * 3×3 pad-1 and 1×1 convolution of the engines): each row (c, ki, kj) of the column matrix is the
     * channel's plane shifted by (ki − p)·w + (kj − p), so it is built in one plane-sized array as one
     * copy plus the zeros of the rows and columns that fall outside, and put into the native buffer
     * in one bulk copy (no example-sized Java array; issue 20).
     */
    private static void im2colSame(ConvShape s, FloatBuffer x, FloatBuffer c, int b, int slot) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int p = s.pad();
        int hw = h * w;
        int image = ch * hw;
        float[][] scratch = floats(image, hw);
        float[] xi = scratch[0];
        float[] r = scratch[1];
        x.get(b * image, xi, 0, image);
        int out = slot * ch * k * k * hw;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * hw;
            for (int ki = 0; ki < k; ki++) {
                int dy = ki - p;
                int ylo = Math.max(0, -dy);
                int yhi = Math.min(h, h - dy);
                for (int kj = 0; kj < k; kj++, out += hw) {
                    int dx = kj - p;
                    // positions [a, e) read plane[pos + dy·w + dx], inside the plane; the columns that wrap are zeroed below
                    int a = ylo * w + Math.max(0, -dx);
                    int e = yhi * w - Math.max(0, dx);
                    if (e > a) {
                        java.util.Arrays.fill(r, 0, a, 0f);
                        System.arraycopy(xi, plane + a + dy * w + dx, r, a, e - a);
                        java.util.Arrays.fill(r, e, hw, 0f);
                        border(r, w, ylo, yhi, dx);
                    } else {
                        java.util.Arrays.fill(r, 0, hw, 0f);
                    }
                    c.put(out, r, 0, hw);
                }
            }
        }
    }

    /** Zeroes, in rows [ylo, yhi) of a plane-sized row, the columns whose input column z + dx is outside [0, w). */
    private static void border(float[] r, int w, int ylo, int yhi, int dx) {
        if (dx == 0) {
            return;
        }
        int z0 = dx < 0 ? 0 : Math.max(0, w - dx);
        int z1 = dx < 0 ? Math.min(w, -dx) : w;
        for (int y = ylo; y < yhi; y++) {
            for (int z = z0; z < z1; z++) {
                r[y * w + z] = 0f;
            }
        }
    }

    /**
     * col2im of one example for a stride-1 "same" convolution: per row (c, ki, kj), kernel offsets
     * descending as {@link #col2im}, the row is read in one bulk copy, its entries whose input
     * column is outside the image are set to +0, and the row is added onto the shifted plane in one
     * loop. Each input position gets the same entries in the same order as before, plus +0 for some
     * wrapped entries: a sum that starts at +0 is never −0, so adding +0 leaves every bit as it was.
     */
    private static void col2imSame(ConvShape s, FloatBuffer c, FloatBuffer dx, int b, int slot) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int p = s.pad();
        int hw = h * w;
        int image = ch * hw;
        float[][] scratch = floats(image, hw);
        float[] img = scratch[0];
        float[] r = scratch[1];
        java.util.Arrays.fill(img, 0, image, 0f);
        int base = slot * ch * k * k * hw;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * hw;
            for (int ki = k - 1; ki >= 0; ki--) {
                int dy = ki - p;
                int ylo = Math.max(0, -dy);
                int yhi = Math.min(h, h - dy);
                for (int kj = k - 1; kj >= 0; kj--) {
                    int ddx = kj - p;
                    int a = ylo * w + Math.max(0, -ddx);
                    int e = yhi * w - Math.max(0, ddx);
                    if (e <= a) {
                        continue;
                    }
                    c.get(base + ((c0 * k + ki) * k + kj) * hw, r, 0, hw);
                    border(r, w, ylo, yhi, ddx);
                    int io = plane + dy * w + ddx + a;
                    int len = e - a;
                    for (int q = 0; q < len; q++) { // (this form compiled ~2x faster than img[off + q] += r[q] over q in [a, e))
                        img[io + q] += r[a + q];
                    }
                }
            }
        }
        dx.put(b * image, img, 0, image);
    }

    // ---- DOUBLE ----

    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[2][0]);

    /** This thread's two scratch arrays, grown to at least a and b elements. */
    private static double[][] doubles(int a, int b) {
        double[][] s = DOUBLES.get();
        if (s[0].length < a) {
            s[0] = new double[a];
        }
        if (s[1].length < b) {
            s[1] = new double[b];
        }
        return s;
    }

    private static void im2col(ConvShape s, DoubleBuffer x, DoubleBuffer c, int b, int slot) {
        if (same(s)) {
            im2colSame(s, x, c, b, slot);
            return;
        }
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int image = ch * h * w;
        int rows = ch * k * k * oh * ow;
        double[][] scratch = doubles(image, rows);
        double[] xi = scratch[0];
        double[] col = scratch[1];
        x.get(b * image, xi, 0, image);
        int row = 0;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * h * w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    // output columns whose input column ow·st − p + kj is inside the image
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        rowOf(xi, col, row, ow, ih >= 0 && ih < h, plane + ih * w - p + kj, lo, hi, st);
                    }
                }
            }
        }
        c.put(slot * rows, col, 0, rows);
    }

    private static void col2im(ConvShape s, DoubleBuffer c, DoubleBuffer dx, int b, int slot) {
        if (same(s)) {
            col2imSame(s, c, dx, b, slot);
            return;
        }
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int image = ch * h * w;
        int rows = ch * k * k * oh * ow;
        double[][] scratch = doubles(image, rows);
        double[] img = scratch[0];
        double[] col = scratch[1];
        java.util.Arrays.fill(img, 0, image, 0.0);
        c.get(slot * rows, col, 0, rows);
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * h * w;
            // kernel offsets descending: every input position then sums its entries in (oh, ow) order, as ND4J's col2im
            for (int ki = k - 1; ki >= 0; ki--) {
                for (int kj = k - 1; kj >= 0; kj--) {
                    int row = ((c0 * k + ki) * k + kj) * oh * ow;
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        if (st == 1) {
                            for (int j = lo; j < hi; j++) {
                                img[xr + j] += col[row + j];
                            }
                        } else {
                            for (int j = lo; j < hi; j++) {
                                img[xr + j * st] += col[row + j];
                            }
                        }
                    }
                }
            }
        }
        dx.put(b * image, img, 0, image);
    }

    /**
     * im2col of one example for a stride-1 "same" convolution (output the input's size, as every
     * 3×3 pad-1 and 1×1 convolution of the engines): each row (c, ki, kj) of the column matrix is the
     * channel's plane shifted by (ki − p)·w + (kj − p), so it is built in one plane-sized array as one
     * copy plus the zeros of the rows and columns that fall outside, and put into the native buffer
     * in one bulk copy (no example-sized Java array; issue 20).
     */
    private static void im2colSame(ConvShape s, DoubleBuffer x, DoubleBuffer c, int b, int slot) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int p = s.pad();
        int hw = h * w;
        int image = ch * hw;
        double[][] scratch = doubles(image, hw);
        double[] xi = scratch[0];
        double[] r = scratch[1];
        x.get(b * image, xi, 0, image);
        int out = slot * ch * k * k * hw;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * hw;
            for (int ki = 0; ki < k; ki++) {
                int dy = ki - p;
                int ylo = Math.max(0, -dy);
                int yhi = Math.min(h, h - dy);
                for (int kj = 0; kj < k; kj++, out += hw) {
                    int dx = kj - p;
                    // positions [a, e) read plane[pos + dy·w + dx], inside the plane; the columns that wrap are zeroed below
                    int a = ylo * w + Math.max(0, -dx);
                    int e = yhi * w - Math.max(0, dx);
                    if (e > a) {
                        java.util.Arrays.fill(r, 0, a, 0.0);
                        System.arraycopy(xi, plane + a + dy * w + dx, r, a, e - a);
                        java.util.Arrays.fill(r, e, hw, 0.0);
                        border(r, w, ylo, yhi, dx);
                    } else {
                        java.util.Arrays.fill(r, 0, hw, 0.0);
                    }
                    c.put(out, r, 0, hw);
                }
            }
        }
    }

    /** Zeroes, in rows [ylo, yhi) of a plane-sized row, the columns whose input column z + dx is outside [0, w). */
    private static void border(double[] r, int w, int ylo, int yhi, int dx) {
        if (dx == 0) {
            return;
        }
        int z0 = dx < 0 ? 0 : Math.max(0, w - dx);
        int z1 = dx < 0 ? Math.min(w, -dx) : w;
        for (int y = ylo; y < yhi; y++) {
            for (int z = z0; z < z1; z++) {
                r[y * w + z] = 0.0;
            }
        }
    }

    /**
     * col2im of one example for a stride-1 "same" convolution: per row (c, ki, kj), kernel offsets
     * descending as {@link #col2im}, the row is read in one bulk copy, its entries whose input
     * column is outside the image are set to +0, and the row is added onto the shifted plane in one
     * loop. Each input position gets the same entries in the same order as before, plus +0 for some
     * wrapped entries: a sum that starts at +0 is never −0, so adding +0 leaves every bit as it was.
     */
    private static void col2imSame(ConvShape s, DoubleBuffer c, DoubleBuffer dx, int b, int slot) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int p = s.pad();
        int hw = h * w;
        int image = ch * hw;
        double[][] scratch = doubles(image, hw);
        double[] img = scratch[0];
        double[] r = scratch[1];
        java.util.Arrays.fill(img, 0, image, 0.0);
        int base = slot * ch * k * k * hw;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = c0 * hw;
            for (int ki = k - 1; ki >= 0; ki--) {
                int dy = ki - p;
                int ylo = Math.max(0, -dy);
                int yhi = Math.min(h, h - dy);
                for (int kj = k - 1; kj >= 0; kj--) {
                    int ddx = kj - p;
                    int a = ylo * w + Math.max(0, -ddx);
                    int e = yhi * w - Math.max(0, ddx);
                    if (e <= a) {
                        continue;
                    }
                    c.get(base + ((c0 * k + ki) * k + kj) * hw, r, 0, hw);
                    border(r, w, ylo, yhi, ddx);
                    int io = plane + dy * w + ddx + a;
                    int len = e - a;
                    for (int q = 0; q < len; q++) { // (this form compiled ~2x faster than img[off + q] += r[q] over q in [a, e))
                        img[io + q] += r[a + q];
                    }
                }
            }
        }
        dx.put(b * image, img, 0, image);
    }
}
