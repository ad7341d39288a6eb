package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * im2col and col2im for the CPU backend's convolutions, as plain Java loops over the arrays' native
 * memory (no copies), for the one layout the engines use: an NCHW batch x [B, C, H, W] and, per
 * example, the column matrix [C·k·k, OH·OW] with rows in (c, ki, kj) order and columns in (oh, ow)
 * order (the layout of ND4J's im2col op with an [B, C, k, k, OH, OW] output, which this replaces:
 * ND4J's op took about 2/3 of a ResNet-18 step, issue 20). Zero padding, no dilation.
 *
 * <p>Column entry (c, ki, kj; oh, ow) = x[c, oh·s − p + ki, ow·s − p + kj], 0 outside the image;
 * col2im sums every column entry back onto that input position, each position's entries in
 * (oh, ow) order as ND4J's col2im does (so results are bit-identical to it). At stride 1 an in-image stretch of a row is one bulk copy. Examples are
 * split over ND4J's thread cap ({@code --threads}) on the common fork-join pool.
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
            each(s.batch(), b -> im2col(s, xb, cb, b));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(s.batch(), b -> im2col(s, xb, cb, b));
        }
    }

    /** dx ← the column matrices in cols summed back onto the image (overwritten). */
    static void col2im(ConvShape s, DataBuffer cols, INDArray dx) {
        if (dx.dataType() == DataType.FLOAT) {
            FloatBuffer db = dx.data().asNioFloat();
            FloatBuffer cb = cols.asNioFloat();
            each(s.batch(), b -> col2im(s, cb, db, b));
        } else {
            DoubleBuffer db = dx.data().asNioDouble();
            DoubleBuffer cb = cols.asNioDouble();
            each(s.batch(), b -> col2im(s, cb, db, b));
        }
    }

    /** body(b) for every example, split into contiguous chunks over ND4J's thread cap. */
    private static void each(int n, java.util.function.IntConsumer body) {
        int threads = Math.min(n, Math.max(1, Nd4j.getEnvironment().maxMasterThreads()));
        if (threads <= 1) {
            for (int b = 0; b < n; b++) {
                body.accept(b);
            }
            return;
        }
        IntStream.range(0, threads).parallel().forEach(t -> {
            for (int b = (int) ((long) n * t / threads); b < (int) ((long) n * (t + 1) / threads); b++) {
                body.accept(b);
            }
        });
    }

    // ---- FLOAT ----

    private static void im2col(ConvShape s, FloatBuffer x, FloatBuffer c, int b) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int xo = b * ch * h * w;
        int row = b * ch * k * k * oh * ow;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = xo + c0 * h * w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    // output columns whose input column ow·st − p + kj is inside the image
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            for (int j = 0; j < ow; j++) {
                                c.put(row + j, 0f);
                            }
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        for (int j = 0; j < lo; j++) {
                            c.put(row + j, 0f);
                        }
                        if (st == 1) {
                            c.put(row + lo, x, xr + lo, hi - lo);
                        } else {
                            for (int j = lo; j < hi; j++) {
                                c.put(row + j, x.get(xr + j * st));
                            }
                        }
                        for (int j = hi; j < ow; j++) {
                            c.put(row + j, 0f);
                        }
                    }
                }
            }
        }
    }

    private static void col2im(ConvShape s, FloatBuffer c, FloatBuffer dx, int b) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int xo = b * ch * h * w;
        for (int i = xo; i < xo + ch * h * w; i++) {
            dx.put(i, 0f);
        }
        int base = b * ch * k * k * oh * ow;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = xo + c0 * h * w;
            // kernel offsets descending: every input position then sums its entries in (oh, ow) order, as ND4J's col2im
            for (int ki = k - 1; ki >= 0; ki--) {
                for (int kj = k - 1; kj >= 0; kj--) {
                    int row = base + ((c0 * k + ki) * k + kj) * oh * ow;
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        for (int j = lo; j < hi; j++) {
                            int at = xr + j * st;
                            dx.put(at, dx.get(at) + c.get(row + j));
                        }
                    }
                }
            }
        }
    }

    // ---- DOUBLE ----

    private static void im2col(ConvShape s, DoubleBuffer x, DoubleBuffer c, int b) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int xo = b * ch * h * w;
        int row = b * ch * k * k * oh * ow;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = xo + c0 * h * w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    // output columns whose input column ow·st − p + kj is inside the image
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            for (int j = 0; j < ow; j++) {
                                c.put(row + j, 0.0);
                            }
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        for (int j = 0; j < lo; j++) {
                            c.put(row + j, 0.0);
                        }
                        if (st == 1) {
                            c.put(row + lo, x, xr + lo, hi - lo);
                        } else {
                            for (int j = lo; j < hi; j++) {
                                c.put(row + j, x.get(xr + j * st));
                            }
                        }
                        for (int j = hi; j < ow; j++) {
                            c.put(row + j, 0.0);
                        }
                    }
                }
            }
        }
    }

    private static void col2im(ConvShape s, DoubleBuffer c, DoubleBuffer dx, int b) {
        int ch = s.in();
        int h = s.height();
        int w = s.width();
        int k = s.k();
        int st = s.stride();
        int p = s.pad();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int xo = b * ch * h * w;
        for (int i = xo; i < xo + ch * h * w; i++) {
            dx.put(i, 0.0);
        }
        int base = b * ch * k * k * oh * ow;
        for (int c0 = 0; c0 < ch; c0++) {
            int plane = xo + c0 * h * w;
            // kernel offsets descending: every input position then sums its entries in (oh, ow) order, as ND4J's col2im
            for (int ki = k - 1; ki >= 0; ki--) {
                for (int kj = k - 1; kj >= 0; kj--) {
                    int row = base + ((c0 * k + ki) * k + kj) * oh * ow;
                    int lo = Math.min(ow, Math.max(0, -Math.floorDiv(kj - p, st)));
                    int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 + p - kj, st) + 1));
                    for (int y = 0; y < oh; y++, row += ow) {
                        int ih = y * st - p + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int xr = plane + ih * w - p + kj;
                        for (int j = lo; j < hi; j++) {
                            int at = xr + j * st;
                            dx.put(at, dx.get(at) + c.get(row + j));
                        }
                    }
                }
            }
        }
    }
}
