package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2×2 max pooling at stride 2 (no padding; a trailing odd row or column is left out) of an NCHW
 * tensor, forward and backward, as plain Java loops (issue 20: ND4J's maxpool2d and maxpool2d_bp
 * ops were ~5% of the small CNN's step). Bit-identical to ND4J's ops, whose rule this follows:
 * each window is scanned row by row from −MAX (ND4J's largest value of the type, negated: −Double.MAX_VALUE
 * in DOUBLE, 0xff7ffffd in FLOAT, two ulps above −Float.MAX_VALUE), a value
 * is taken when it is strictly greater than the best so far (so the first of equal maxima wins, NaN
 * is never taken, and a window without a value above −MAX yields −MAX); backward recomputes that
 * position from x and writes 0 + dy there (ND4J adds onto a zeroed gradient, so −0 becomes +0) and
 * 0 elsewhere. Planes are copied once into Java arrays and split over the thread cap.
 */
final class MaxPoolKernels {

    private MaxPoolKernels() {
    }

    /** Whether the loops apply: whole 'c'-order rank-4 arrays of one data type with int indices. */
    static boolean applies(INDArray... as) {
        return as[0].rank() == 4 && BatchNormKernels.applies(as);
    }

    /** y [N, C, H/2, W/2] ← the 2×2 maxima of x [N, C, H, W]. */
    static void forward(INDArray x, INDArray y) {
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer yb = y.data().asNioFloat();
            Im2col.each(planes, p -> forward(xb, yb, h, w, p));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer yb = y.data().asNioDouble();
            Im2col.each(planes, p -> forward(xb, yb, h, w, p));
        }
    }

    /** dx [N, C, H, W] (overwritten) ← dy [N, C, H/2, W/2] routed to each window's maximum of x. */
    static void backward(INDArray x, INDArray dy, INDArray dx) {
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer gb = dy.data().asNioFloat();
            FloatBuffer db = dx.data().asNioFloat();
            Im2col.each(planes, p -> backward(xb, gb, db, h, w, p));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer gb = dy.data().asNioDouble();
            DoubleBuffer db = dx.data().asNioDouble();
            Im2col.each(planes, p -> backward(xb, gb, db, h, w, p));
        }
    }

    // ---- JIT warm-up ----

    /**
     * The FLOAT forward and backward loops on private arrays of [4, 8, 14, 14], plane by plane on the
     * calling thread (no thread team), for at most {@code rounds} rounds or until {@code deadline}
     * (System.nanoTime()); see {@link BatchNormKernels#warmUp}. No result changes.
     */
    static void warmUp(int rounds, long deadline) {
        int planes = 4 * 8;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261209);
        float[] v = new float[planes * 14 * 14];
        float[] d = new float[planes * 7 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextDouble(-1, 1);
        }
        // native buffers, as the run's, their arrays referenced to the end (see BatchNormKernels.warmUp)
        INDArray[] owners = {org.nd4j.linalg.factory.Nd4j.createFromArray(v), org.nd4j.linalg.factory.Nd4j.createFromArray(d),
            org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, d.length), org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, v.length)};
        FloatBuffer x = owners[0].data().asNioFloat();
        FloatBuffer dy = owners[1].data().asNioFloat();
        FloatBuffer y = owners[2].data().asNioFloat();
        FloatBuffer dx = owners[3].data().asNioFloat();
        for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
            for (int p = 0; p < planes; p++) {
                forward(x, y, 14, 14, p);
                backward(x, dy, dx, 14, 14, p);
            }
        }
        java.lang.ref.Reference.reachabilityFence(owners);
    }

    // ---- FLOAT ----

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[3][0]);

    private static float[][] floats(int len) {
        float[][] s = FLOATS.get();
        if (s[0].length < len) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new float[len];
            }
        }
        return s;
    }

    private static void forward(FloatBuffer x, FloatBuffer y, int h, int w, int p) {
        int oh = h / 2;
        int ow = w / 2;
        float[][] s = floats(h * w);
        float[] xs = s[0];
        float[] ys = s[1];
        x.get(p * h * w, xs, 0, h * w);
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w;
            int r1 = r0 + w;
            int o = i * ow;
            for (int j = 0; j < ow; j++) {
                ys[o + j] = max4(xs[r0 + 2 * j], xs[r0 + 2 * j + 1], xs[r1 + 2 * j], xs[r1 + 2 * j + 1]);
            }
        }
        y.put(p * oh * ow, ys, 0, oh * ow);
    }

    private static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int h, int w, int p) {
        int oh = h / 2;
        int ow = w / 2;
        float[][] s = floats(h * w);
        float[] xs = s[0];
        float[] gs = s[1];
        float[] ds = s[2];
        x.get(p * h * w, xs, 0, h * w);
        dy.get(p * oh * ow, gs, 0, oh * ow);
        java.util.Arrays.fill(ds, 0, h * w, 0f);
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w;
            int r1 = r0 + w;
            int o = i * ow;
            for (int j = 0; j < ow; j++) {
                int at = r0 + 2 * j;
                ds[at + argmax4(xs[at], xs[at + 1], xs[r1 + 2 * j], xs[r1 + 2 * j + 1], w)] = 0f + gs[o + j];
            }
        }
        dx.put(p * h * w, ds, 0, h * w);
    }

    // ---- DOUBLE ----

    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[3][0]);

    private static double[][] doubles(int len) {
        double[][] s = DOUBLES.get();
        if (s[0].length < len) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new double[len];
            }
        }
        return s;
    }

    private static void forward(DoubleBuffer x, DoubleBuffer y, int h, int w, int p) {
        int oh = h / 2;
        int ow = w / 2;
        double[][] s = doubles(h * w);
        double[] xs = s[0];
        double[] ys = s[1];
        x.get(p * h * w, xs, 0, h * w);
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w;
            int r1 = r0 + w;
            int o = i * ow;
            for (int j = 0; j < ow; j++) {
                ys[o + j] = max4(xs[r0 + 2 * j], xs[r0 + 2 * j + 1], xs[r1 + 2 * j], xs[r1 + 2 * j + 1]);
            }
        }
        y.put(p * oh * ow, ys, 0, oh * ow);
    }

    private static void backward(DoubleBuffer x, DoubleBuffer dy, DoubleBuffer dx, int h, int w, int p) {
        int oh = h / 2;
        int ow = w / 2;
        double[][] s = doubles(h * w);
        double[] xs = s[0];
        double[] gs = s[1];
        double[] ds = s[2];
        x.get(p * h * w, xs, 0, h * w);
        dy.get(p * oh * ow, gs, 0, oh * ow);
        java.util.Arrays.fill(ds, 0, h * w, 0.0);
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w;
            int r1 = r0 + w;
            int o = i * ow;
            for (int j = 0; j < ow; j++) {
                int at = r0 + 2 * j;
                ds[at + argmax4(xs[at], xs[at + 1], xs[r1 + 2 * j], xs[r1 + 2 * j + 1], w)] = 0.0 + gs[o + j];
            }
        }
        dx.put(p * h * w, ds, 0, h * w);
    }

    // The window's rule written with integer selects on the values' bits (compiled to cmov): a float
    // select compiles to a branch, which mispredicts on ReLU outputs about half of the time.

    /** ND4J's start value in FLOAT: −(its largest float), 0xff7ffffd, two ulps above −Float.MAX_VALUE (measured: MaxPoolKernelsTest). */
    private static final int NEG_MAX_F = 0xff7ffffd;
    private static final long NEG_MAX_D = Double.doubleToRawLongBits(-Double.MAX_VALUE);

    /** The value kept by the scan of a, b, c, d from −MAX taking strictly greater values. */
    static float max4(float a, float b, float c, float d) {
        int m = NEG_MAX_F;
        m = a > Float.intBitsToFloat(m) ? Float.floatToRawIntBits(a) : m;
        m = b > Float.intBitsToFloat(m) ? Float.floatToRawIntBits(b) : m;
        m = c > Float.intBitsToFloat(m) ? Float.floatToRawIntBits(c) : m;
        m = d > Float.intBitsToFloat(m) ? Float.floatToRawIntBits(d) : m;
        return Float.intBitsToFloat(m);
    }

    /** The offset (0, 1, w or w + 1) of the position kept by that scan of the window a b / c d; 0 when none beats −MAX. */
    static int argmax4(float a, float b, float c, float d, int w) {
        float m = Float.intBitsToFloat(NEG_MAX_F);
        int at = 0;
        m = Float.intBitsToFloat(a > m ? Float.floatToRawIntBits(a) : Float.floatToRawIntBits(m));
        at = b > m ? 1 : at;
        m = Float.intBitsToFloat(b > m ? Float.floatToRawIntBits(b) : Float.floatToRawIntBits(m));
        at = c > m ? w : at;
        m = Float.intBitsToFloat(c > m ? Float.floatToRawIntBits(c) : Float.floatToRawIntBits(m));
        return d > m ? w + 1 : at;
    }

    static double max4(double a, double b, double c, double d) {
        long m = NEG_MAX_D;
        m = a > Double.longBitsToDouble(m) ? Double.doubleToRawLongBits(a) : m;
        m = b > Double.longBitsToDouble(m) ? Double.doubleToRawLongBits(b) : m;
        m = c > Double.longBitsToDouble(m) ? Double.doubleToRawLongBits(c) : m;
        m = d > Double.longBitsToDouble(m) ? Double.doubleToRawLongBits(d) : m;
        return Double.longBitsToDouble(m);
    }

    static int argmax4(double a, double b, double c, double d, int w) {
        double m = -Double.MAX_VALUE;
        int at = 0;
        m = Double.longBitsToDouble(a > m ? Double.doubleToRawLongBits(a) : Double.doubleToRawLongBits(m));
        at = b > m ? 1 : at;
        m = Double.longBitsToDouble(b > m ? Double.doubleToRawLongBits(b) : Double.doubleToRawLongBits(m));
        at = c > m ? w : at;
        m = Double.longBitsToDouble(c > m ? Double.doubleToRawLongBits(c) : Double.doubleToRawLongBits(m));
        return d > m ? w + 1 : at;
    }
}
