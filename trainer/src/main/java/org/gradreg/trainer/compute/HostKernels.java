package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CpuBackend}'s element-wise kernels as plain Java loops over the arrays' native buffers:
 * one pass where ND4J needed one op (a native call and a pass over memory) per term (issue 20).
 *
 * <ul>
 *   <li>GELU forward and backward: in FLOAT one pass each, with the C library's {@code erff} and
 *       {@code expf} (those ND4J's ops call) written in Java ({@link Libm}); in DOUBLE ND4J's
 *       {@code erf} and {@code exp} (one op each) with the arithmetic around them fused. Either way
 *       every element goes through the same operations in the same order and type as the op-by-op
 *       form, so the results are bit-identical to it.</li>
 *   <li>The dropout masks are written straight into the mask's buffer: the counter-hash mask of
 *       {@code --dropout-masks device} and ND4J's Bernoulli mask of {@code --dropout-masks host} (bit-identical
 *       to ND4J's op, {@link #nd4jBernoulliMask}).</li>
 *   <li>Layer norm (forward and backward) and the softmax backward are one or two passes per row
 *       with the row sums accumulated in double: mathematically the same equations, rounded
 *       differently from ND4J's reductions (in FLOAT the sums are more accurate).</li>
 * </ul>
 *
 * <p>Every kernel takes arrays that are packed (unit strides in their ordering, as the backend
 * creates them); {@link #dense} tells the backend when an array is not, and it then runs its ND4J
 * form.
 */
final class HostKernels {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private HostKernels() {
    }

    /** Whether the kernels may run (system property {@code gradreg.hostKernels}, default true; false: ND4J ops, for benchmarks). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("gradreg.hostKernels"));
    }

    /** Whether all arrays are packed row-major ('c' or vectors), FLOAT or DOUBLE, of one type. */
    static boolean dense(INDArray... arrays) {
        if (!enabled()) {
            return false;
        }
        DataType t = arrays[0].dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != t || a.length() == 0 || a.offset() + a.length() > Integer.MAX_VALUE) {
                return false;
            }
            long[] shape = a.shape();
            long[] stride = a.stride();
            long expect = 1;
            boolean c = a.ordering() == 'c';
            int big = 0;
            for (long d : shape) {
                big += d > 1 ? 1 : 0;
            }
            if (!c && big > 1) {
                return false;
            }
            for (int k = shape.length - 1; k >= 0; k--) {
                int kk = c ? k : shape.length - 1 - k;
                if (shape[kk] != 1 && stride[kk] != expect) {
                    return false;
                }
                expect *= shape[kk];
            }
        }
        return true;
    }

    /**
     * Elements of work from which a kernel splits over {@link Team}: inside a step a waking thread
     * arrives hundreds of microseconds late on the project's machine, so a split pays only for
     * passes of a millisecond or more (the small ViT's 139k- and 278k-element kernels were no
     * faster split; issue 20, 2026-12-07).
     */
    static final long PARALLEL_MIN = 1L << 19;

    /** A kernel's body over the index range [lo, hi). */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Threads a kernel over n indices of {@code width} elements each runs on: ND4J's cap (--threads) if the work is large enough, else 1. */
    static int threads(int n, long width) {
        if ((long) n * width < PARALLEL_MIN || n < 2) {
            return 1;
        }
        return Math.max(1, Math.min(n, Team.size()));
    }

    /**
     * body over [0, n) in contiguous chunks, one per thread ({@link #threads}); every index goes
     * through the same operations whichever chunk holds it, so the result does not depend on the
     * thread count (sums over indices are never split).
     */
    static void chunks(int n, long width, Range body) {
        split(n, threads(n, width), body);
    }

    /** body over [0, n) in {@code t} contiguous parts on the {@link Team} (the calling thread alone when t ≤ 1). */
    private static void split(int n, int t, Range body) {
        if (t <= 1) {
            body.run(0, n);
            return;
        }
        Team.run(t, i -> body.run((int) ((long) n * i / t), (int) ((long) n * (i + 1) / t)));
    }

    // ---- FLOAT kernels over heap blocks ----
    // Issue 20 (2026-12-07): element by element through the direct FloatBuffers a multiply took
    // 1.1 ns an element (bounds checks, no vectorisation) against ND4J's 0.3 ns; the kernels below
    // copy blocks of BLOCK elements (whole rows for the row kernels) into this thread's heap arrays
    // with the buffers' bulk get/put, compute there (loops the JIT vectorises) and copy back. Every
    // element goes through the same float/double operations in the same order as before, so the
    // results are bit-identical.

    /** Elements per heap block. */
    static final int BLOCK = 4096;
    /** Per-thread index list of a block ({@link #geluForwardFused}). */
    private static final ThreadLocal<int[]> INDICES = ThreadLocal.withInitial(() -> new int[BLOCK]);

    /** Per-thread index lists of a block for {@link #geluForwardFused}: erff's middle range, its outer ranges. */
    private static final ThreadLocal<int[][]> SPLIT = ThreadLocal.withInitial(() -> new int[4][BLOCK]);

    /** Per-thread row means and 1/σ of a block of the layer norm forward (at most {@link #BLOCK} rows). */
    private static final ThreadLocal<double[][]> MOMENTS = ThreadLocal.withInitial(() -> new double[2][BLOCK]);

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[6][0]);

    /** This thread's scratch array k, at least len long. */
    private static float[] scratch(int k, int len) {
        float[][] s = SCRATCH.get();
        if (s[k].length < len) {
            s[k] = new float[len];
        }
        return s[k];
    }

    /** The first n elements of a buffer from offset, copied into a new array (parameters: γ, β, biases). */
    private static float[] copyOf(FloatBuffer b, int offset, int n) {
        float[] a = new float[n];
        b.get(offset, a, 0, n);
        return a;
    }

    /** Rows of {@code dim} elements per heap block. */
    private static int rowsPerBlock(int dim) {
        return Math.max(1, BLOCK / Math.max(1, dim));
    }

    private static void combineFloat(FloatBuffer xb, int ox, FloatBuffer yb, int oy, FloatBuffer ob, int oo, int n, boolean multiply) {
        chunks(n, 1, (lo, hi) -> {
            float[] a = scratch(0, BLOCK);
            float[] b = scratch(1, BLOCK);
            for (int i0 = lo; i0 < hi; i0 += BLOCK) {
                int len = Math.min(BLOCK, hi - i0);
                xb.get(ox + i0, a, 0, len);
                yb.get(oy + i0, b, 0, len);
                if (multiply) {
                    for (int i = 0; i < len; i++) {
                        a[i] = a[i] * b[i];
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        a[i] = a[i] + b[i];
                    }
                }
                ob.put(oo + i0, a, 0, len);
            }
        });
    }

    private static void addRowVectorFloat(FloatBuffer yb, int oy, float[] bias, int rows, int dim) {
        int per = rowsPerBlock(dim);
        chunks(rows, dim, (lo, hi) -> {
            float[] a = scratch(0, per * dim);
            for (int r0 = lo; r0 < hi; r0 += per) {
                int nr = Math.min(per, hi - r0);
                int base = oy + r0 * dim;
                yb.get(base, a, 0, nr * dim);
                for (int r = 0; r < nr; r++) {
                    int at = r * dim;
                    for (int j = 0; j < dim; j++) {
                        a[at + j] = a[at + j] + bias[j];
                    }
                }
                yb.put(base, a, 0, nr * dim);
            }
        });
    }

    /** The four GELU passes: 0 scale input, 1 finish, 2 backward exponent, 3 backward finish. */
    private static void geluFloat(int pass, FloatBuffer xb, int ox, FloatBuffer cb, int oc, FloatBuffer tb, int ot, FloatBuffer db, int od, int n) {
        float s2 = (float) INV_SQRT2;
        float s2pi = (float) INV_SQRT_2PI;
        chunks(n, 1, (lo, hi) -> {
            float[] x = scratch(0, BLOCK);
            float[] c = scratch(1, BLOCK);
            float[] t = scratch(2, BLOCK);
            float[] d = scratch(3, BLOCK);
            for (int i0 = lo; i0 < hi; i0 += BLOCK) {
                int len = Math.min(BLOCK, hi - i0);
                xb.get(ox + i0, x, 0, len);
                switch (pass) {
                    case 0 -> {
                        for (int i = 0; i < len; i++) {
                            c[i] = x[i] * s2;
                        }
                        cb.put(oc + i0, c, 0, len);
                    }
                    case 1 -> { // cdf ← (cdf + 1)·½, y ← x·cdf (y in tb)
                        cb.get(oc + i0, c, 0, len);
                        for (int i = 0; i < len; i++) {
                            float v = (c[i] + 1f) * 0.5f;
                            c[i] = v;
                            t[i] = x[i] * v;
                        }
                        cb.put(oc + i0, c, 0, len);
                        tb.put(ot + i0, t, 0, len);
                    }
                    case 2 -> {
                        for (int i = 0; i < len; i++) {
                            float v = x[i];
                            t[i] = v * v * -0.5f;
                        }
                        tb.put(ot + i0, t, 0, len);
                    }
                    default -> {
                        cb.get(oc + i0, c, 0, len);
                        tb.get(ot + i0, t, 0, len);
                        db.get(od + i0, d, 0, len);
                        for (int i = 0; i < len; i++) {
                            d[i] = d[i] * (t[i] * s2pi * x[i] + c[i]);
                        }
                        db.put(od + i0, d, 0, len);
                    }
                }
            }
        });
    }

    /**
     * FLOAT GELU forward in one pass: cdf ← (erf(x·(1/√2)) + 1)·½, y ← x·cdf, with {@link Libm#erff}
     * in place of ND4J's Erf op (the C library's erff, reproduced bit for bit), so every element
     * goes through the operations of {@link #geluScaleInput}, the op and {@link #geluFinish}.
     */
    static void geluForwardFused(INDArray x, INDArray cdf, INDArray y) {
        int n = (int) x.length();
        FloatBuffer xb = f(x);
        FloatBuffer cb = f(cdf);
        FloatBuffer yb = f(y);
        int ox = o(x);
        int oc = o(cdf);
        int oy = o(y);
        float s2 = (float) INV_SQRT2;
        chunks(n, 1, (lo, hi) -> {
            float[] v = scratch(0, BLOCK);
            float[] c = scratch(1, BLOCK);
            float[] w = scratch(2, BLOCK);
            int[] rest = INDICES.get();
            int[] mid = SPLIT.get()[0];
            int[] far = SPLIT.get()[1];
            int[] tail = SPLIT.get()[2];
            int[] rest2 = SPLIT.get()[3];
            float[] ratio = scratch(3, BLOCK);
            for (int i0 = lo; i0 < hi; i0 += BLOCK) {
                int len = Math.min(BLOCK, hi - i0);
                xb.get(ox + i0, v, 0, len);
                // erf's formula near zero for every element (branch-free: the JIT vectorises it); then the elements
                // outside its range listed without a branch (an integer 0/1 added to the list's length: with the
                // range test's comparisons as branches the list cost 1.5 ns an element, a fifth of the elements
                // mispredicted), split again without a branch into erff's middle range 0.84375 ≤ |x/√2| < 1.25 (its
                // rational function in float, evaluated over a dense copy of |x| so that the JIT vectorises it,
                // the sign put back by a bit operation: erff's −ERX − p/q is −(ERX + p/q) exactly) and the rest,
                // which take erff element by element (issue 20, 2026-12-08: docs/trainer-benchmark.md, "Conversion chains…")
                for (int i = 0; i < len; i++) {
                    c[i] = Libm.erfNearZero(v[i] * s2);
                }
                int m = 0;
                for (int i = 0; i < len; i++) {
                    rest[m] = i;
                    m += Libm.outsideNearZero(v[i] * s2);
                }
                int nm = partition(rest, m, v, s2, Libm.MIDDLE_FROM, Libm.MIDDLE_TO, mid, far);
                for (int k = 0; k < nm; k++) {
                    w[k] = Math.abs(v[mid[k]] * s2);
                }
                for (int k = 0; k < nm; k++) {
                    w[k] = Libm.erfMiddle(w[k]);
                }
                for (int k = 0; k < nm; k++) {
                    int i = mid[k];
                    c[i] = Libm.withSignOf(w[k], v[i] * s2);
                }
                // the outer ranges: 1.25 ≤ |x/√2| < 1/0.35 (7.6% of N(0, 1) inputs) with erff's rational function over a
                // dense copy as above, then its two expf and the last operations element by element; the rest through erff
                int nt = partition(far, m - nm, v, s2, Libm.TAIL_FROM, Libm.TAIL_TO, tail, rest2);
                int nr = m - nm - nt;
                for (int k = 0; k < nt; k++) {
                    w[k] = Math.abs(v[tail[k]] * s2);
                }
                for (int k = 0; k < nt; k++) {
                    ratio[k] = Libm.erfTailRatio(w[k]);
                }
                for (int k = 0; k < nt; k++) {
                    int i = tail[k];
                    c[i] = Libm.withSignOf(Libm.erfTail(w[k], ratio[k]), v[i] * s2);
                }
                for (int k = 0; k < nr; k++) {
                    int i = rest2[k];
                    c[i] = Libm.erff(v[i] * s2);
                }
                for (int i = 0; i < len; i++) {
                    float q = (c[i] + 1f) * 0.5f;
                    c[i] = q;
                    w[i] = v[i] * q;
                }
                cb.put(oc + i0, c, 0, len);
                yb.put(oy + i0, w, 0, len);
            }
        });
    }

    /**
     * The n indices of {@code src} split, in order and without a branch, by whether the bits of |v[i]·s2|
     * lie in [from, to] ({@link Libm#within}): those inside into {@code in}, the others into {@code out};
     * returns the count inside (the others: n minus it).
     */
    private static int partition(int[] src, int n, float[] v, float s2, int from, int to, int[] in, int[] out) {
        int ni = 0;
        int no = 0;
        for (int j = 0; j < n; j++) {
            int i = src[j];
            int inside = Libm.within(v[i] * s2, from, to);
            in[ni] = i;
            out[no] = i;
            ni += inside;
            no += 1 - inside;
        }
        return ni;
    }

    /**
     * FLOAT GELU backward in one pass: dy ← dy·(exp(x·x·(−½))·(1/√(2π))·x + cdf), with
     * {@link Libm#expf} in place of ND4J's Exp op, so every element goes through the operations of
     * {@link #geluBackwardExponent}, the op and {@link #geluBackwardFinish} (the scratch array those
     * passed the exponentials in is not written).
     */
    static void geluBackwardFused(INDArray x, INDArray cdf, INDArray dy) {
        int n = (int) x.length();
        FloatBuffer xb = f(x);
        FloatBuffer cb = f(cdf);
        FloatBuffer db = f(dy);
        int ox = o(x);
        int oc = o(cdf);
        int od = o(dy);
        float s2pi = (float) INV_SQRT_2PI;
        chunks(n, 1, (lo, hi) -> {
            float[] v = scratch(0, BLOCK);
            float[] c = scratch(1, BLOCK);
            float[] d = scratch(3, BLOCK);
            for (int i0 = lo; i0 < hi; i0 += BLOCK) {
                int len = Math.min(BLOCK, hi - i0);
                xb.get(ox + i0, v, 0, len);
                cb.get(oc + i0, c, 0, len);
                db.get(od + i0, d, 0, len);
                for (int i = 0; i < len; i++) {
                    float u = v[i];
                    float t = Libm.expf(u * u * -0.5f);
                    d[i] = d[i] * (t * s2pi * u + c[i]);
                }
                db.put(od + i0, d, 0, len);
            }
        });
    }

    private static void layerNormForwardFloat(FloatBuffer xb, int ox, float[] g, float[] be, double eps, FloatBuffer hb, int oh,
                                              FloatBuffer rb, int or, FloatBuffer yb, int oy, int rows, int dim) {
        int per = Math.max(4, rowsPerBlock(dim) & ~3); // whole groups of four rows
        chunks(rows, dim, (lo, hi) -> {
            float[] x = scratch(0, per * dim);
            float[] h = scratch(1, per * dim);
            float[] y = scratch(2, per * dim);
            float[] rs = scratch(3, per);
            double[] mus = MOMENTS.get()[0];
            double[] rstds = MOMENTS.get()[1];
            for (int r0 = lo; r0 < hi; r0 += per) {
                int nr = Math.min(per, hi - r0);
                xb.get(ox + r0 * dim, x, 0, nr * dim);
                int r = 0;
                for (; r + 4 <= nr; r += 4) { // four rows' sums side by side: four independent chains, each in its row's order
                    int b0 = r * dim;
                    int b1 = b0 + dim;
                    int b2 = b1 + dim;
                    int b3 = b2 + dim;
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    for (int j = 0; j < dim; j++) {
                        s0 += x[b0 + j];
                        s1 += x[b1 + j];
                        s2 += x[b2 + j];
                        s3 += x[b3 + j];
                    }
                    double mu0 = s0 / dim;
                    double mu1 = s1 / dim;
                    double mu2 = s2 / dim;
                    double mu3 = s3 / dim;
                    double q0 = 0;
                    double q1 = 0;
                    double q2 = 0;
                    double q3 = 0;
                    for (int j = 0; j < dim; j++) {
                        double c0 = x[b0 + j] - mu0;
                        double c1 = x[b1 + j] - mu1;
                        double c2 = x[b2 + j] - mu2;
                        double c3 = x[b3 + j] - mu3;
                        q0 += c0 * c0;
                        q1 += c1 * c1;
                        q2 += c2 * c2;
                        q3 += c3 * c3;
                    }
                    mus[r] = mu0;
                    mus[r + 1] = mu1;
                    mus[r + 2] = mu2;
                    mus[r + 3] = mu3;
                    rstds[r] = 1 / Math.sqrt(q0 / dim + eps);
                    rstds[r + 1] = 1 / Math.sqrt(q1 / dim + eps);
                    rstds[r + 2] = 1 / Math.sqrt(q2 / dim + eps);
                    rstds[r + 3] = 1 / Math.sqrt(q3 / dim + eps);
                }
                // the rows' normalisation after the sums, a small loop of its own (measured 15-20% faster than inside the four-row loop)
                for (int k = 0; k < r; k++) {
                    normalizeRow(x, h, y, k * dim, dim, mus[k], rstds[k], g, be, rs, k);
                }
                for (; r < nr; r++) {
                    int base = r * dim;
                    double sum = 0;
                    for (int j = 0; j < dim; j++) {
                        sum += x[base + j];
                    }
                    double mu = sum / dim;
                    double sq = 0;
                    for (int j = 0; j < dim; j++) {
                        double c = x[base + j] - mu;
                        sq += c * c;
                    }
                    normalizeRow(x, h, y, base, dim, mu, 1 / Math.sqrt(sq / dim + eps), g, be, rs, r);
                }
                hb.put(oh + r0 * dim, h, 0, nr * dim);
                yb.put(oy + r0 * dim, y, 0, nr * dim);
                rb.put(or + r0, rs, 0, nr);
            }
        });
    }

    /** One row of the softmax backward: dp ← (dp − s)·p. */
    private static void softmaxRow(float[] d, float[] p, int base, int cols, double s) {
        int j = 0;
        for (; j + 4 <= cols; j += 4) { // unrolled by four: see normalizeRow
            int i = base + j;
            double d0 = d[i];
            double d1 = d[i + 1];
            double d2 = d[i + 2];
            double d3 = d[i + 3];
            d[i] = (float) ((d0 - s) * p[i]);
            d[i + 1] = (float) ((d1 - s) * p[i + 1]);
            d[i + 2] = (float) ((d2 - s) * p[i + 2]);
            d[i + 3] = (float) ((d3 - s) * p[i + 3]);
        }
        for (; j < cols; j++) {
            d[base + j] = (float) ((d[base + j] - s) * p[base + j]);
        }
    }

    /** One row of the layer norm's input gradient: dx = (dy·γ − m1 − xhat·m2)·rstd. */
    private static void dxRow(float[] dy, float[] h, float[] g, float[] dx, int base, int dim, double m1, double m2, double rstd) {
        for (int j = 0; j < dim; j++) {
            double gg = (double) dy[base + j] * g[j];
            dx[base + j] = (float) ((gg - m1 - h[base + j] * m2) * rstd);
        }
    }

    /**
     * One row of the layer norm's output: rstd, xhat = (x − μ)·rstd rounded to float, y = xhat·γ + β.
     * Unrolled by hand, four elements an iteration, each element's operations unchanged (the same
     * bits): C2 compiles the plain loop to scalar code whose float → double → float conversions chain
     * one iteration to the next (BatchNormKernels has the measurement): 4.8 ns an element in this loop
     * against 1.0-1.1 unrolled, the layer norm's forward in the ViT-Ti b32 step 34 → 23 ms (issue 20,
     * 2026-12-08).
     */
    private static void normalizeRow(float[] x, float[] h, float[] y, int base, int dim, double mu, double rstd, float[] g, float[] be,
                                     float[] rs, int r) {
        rs[r] = (float) rstd;
        int j = 0;
        for (; j + 4 <= dim; j += 4) {
            int i = base + j;
            double x0 = x[i];
            double x1 = x[i + 1];
            double x2 = x[i + 2];
            double x3 = x[i + 3];
            float v0 = (float) ((x0 - mu) * rstd);
            float v1 = (float) ((x1 - mu) * rstd);
            float v2 = (float) ((x2 - mu) * rstd);
            float v3 = (float) ((x3 - mu) * rstd);
            h[i] = v0;
            h[i + 1] = v1;
            h[i + 2] = v2;
            h[i + 3] = v3;
            y[i] = v0 * g[j] + be[j];
            y[i + 1] = v1 * g[j + 1] + be[j + 1];
            y[i + 2] = v2 * g[j + 2] + be[j + 2];
            y[i + 3] = v3 * g[j + 3] + be[j + 3];
        }
        for (; j < dim; j++) {
            float v = (float) ((x[base + j] - mu) * rstd);
            h[base + j] = v;
            y[base + j] = v * g[j] + be[j];
        }
    }

    /**
     * Layer norm backward in FLOAT: dx row by row (on the threads when large); dγ, dβ summed in
     * row order per column, fused into the same pass on one thread or column-split on several.
     */
    private static void layerNormBackwardFloat(FloatBuffer yb, int oy, FloatBuffer hb, int oh, FloatBuffer rb, int or, float[] g,
                                               FloatBuffer xb, int od, double[] dg, double[] db, int rows, int dim) {
        int per = rowsPerBlock(dim);
        boolean split = threads(rows, dim) > 1;
        chunks(rows, dim, (lo, hi) -> {
            float[] dy = scratch(0, per * dim);
            float[] h = scratch(1, per * dim);
            float[] dx = scratch(2, per * dim);
            float[] rs = scratch(3, per);
            for (int r0 = lo; r0 < hi; r0 += per) {
                int nr = Math.min(per, hi - r0);
                yb.get(oy + r0 * dim, dy, 0, nr * dim);
                hb.get(oh + r0 * dim, h, 0, nr * dim);
                rb.get(or + r0, rs, 0, nr);
                int r = 0;
                for (; r + 4 <= nr; r += 4) { // four rows side by side: their sums are independent chains; dγ, dβ still take the rows in order
                    int b0 = r * dim;
                    int b1 = b0 + dim;
                    int b2 = b1 + dim;
                    int b3 = b2 + dim;
                    double s10 = 0;
                    double s11 = 0;
                    double s12 = 0;
                    double s13 = 0;
                    double s20 = 0;
                    double s21 = 0;
                    double s22 = 0;
                    double s23 = 0;
                    for (int j = 0; j < dim; j++) {
                        double gj = g[j];
                        double g0 = dy[b0 + j];
                        double g1 = dy[b1 + j];
                        double g2 = dy[b2 + j];
                        double g3 = dy[b3 + j];
                        double h0 = h[b0 + j];
                        double h1 = h[b1 + j];
                        double h2 = h[b2 + j];
                        double h3 = h[b3 + j];
                        double gg0 = g0 * gj;
                        double gg1 = g1 * gj;
                        double gg2 = g2 * gj;
                        double gg3 = g3 * gj;
                        s10 += gg0;
                        s11 += gg1;
                        s12 += gg2;
                        s13 += gg3;
                        s20 += gg0 * h0;
                        s21 += gg1 * h1;
                        s22 += gg2 * h2;
                        s23 += gg3 * h3;
                        if (!split) {
                            dg[j] = dg[j] + g0 * h0 + g1 * h1 + g2 * h2 + g3 * h3;
                            db[j] = db[j] + g0 + g1 + g2 + g3;
                        }
                    }
                    dxRow(dy, h, g, dx, b0, dim, s10 / dim, s20 / dim, rs[r]);
                    dxRow(dy, h, g, dx, b1, dim, s11 / dim, s21 / dim, rs[r + 1]);
                    dxRow(dy, h, g, dx, b2, dim, s12 / dim, s22 / dim, rs[r + 2]);
                    dxRow(dy, h, g, dx, b3, dim, s13 / dim, s23 / dim, rs[r + 3]);
                }
                for (; r < nr; r++) {
                    int base = r * dim;
                    double s1 = 0;
                    double s2 = 0;
                    for (int j = 0; j < dim; j++) {
                        double gv = dy[base + j];
                        double hv = h[base + j];
                        double gg = gv * g[j];
                        s1 += gg;
                        s2 += gg * hv;
                        if (!split) {
                            dg[j] += gv * hv;
                            db[j] += gv;
                        }
                    }
                    dxRow(dy, h, g, dx, base, dim, s1 / dim, s2 / dim, rs[r]);
                }
                xb.put(od + r0 * dim, dx, 0, nr * dim);
            }
        });
        if (split) {
            columnSums(dim, threads(rows, dim), (lo, hi) -> {
                float[] dy = scratch(0, dim);
                float[] h = scratch(1, dim);
                for (int r = 0; r < rows; r++) {
                    yb.get(oy + r * dim + lo, dy, 0, hi - lo);
                    hb.get(oh + r * dim + lo, h, 0, hi - lo);
                    for (int j = lo; j < hi; j++) {
                        double gv = dy[j - lo];
                        dg[j] += gv * h[j - lo];
                        db[j] += gv;
                    }
                }
            });
        }
    }

    private static void softmaxBackwardFloat(FloatBuffer db, int od, FloatBuffer pb, int op, int rows, int cols) {
        int per = rowsPerBlock(cols);
        chunks(rows, cols, (lo, hi) -> {
            float[] d = scratch(0, per * cols);
            float[] p = scratch(1, per * cols);
            for (int r0 = lo; r0 < hi; r0 += per) {
                int nr = Math.min(per, hi - r0);
                db.get(od + r0 * cols, d, 0, nr * cols);
                pb.get(op + r0 * cols, p, 0, nr * cols);
                int r = 0;
                for (; r + 4 <= nr; r += 4) { // four rows' sums side by side, each in its row's order
                    int b0 = r * cols;
                    int b1 = b0 + cols;
                    int b2 = b1 + cols;
                    int b3 = b2 + cols;
                    double t0 = 0;
                    double t1 = 0;
                    double t2 = 0;
                    double t3 = 0;
                    for (int j = 0; j < cols; j++) {
                        t0 += (double) d[b0 + j] * p[b0 + j];
                        t1 += (double) d[b1 + j] * p[b1 + j];
                        t2 += (double) d[b2 + j] * p[b2 + j];
                        t3 += (double) d[b3 + j] * p[b3 + j];
                    }
                    softmaxRow(d, p, b0, cols, t0);
                    softmaxRow(d, p, b1, cols, t1);
                    softmaxRow(d, p, b2, cols, t2);
                    softmaxRow(d, p, b3, cols, t3);
                }
                for (; r < nr; r++) {
                    int base = r * cols;
                    double t = 0;
                    for (int j = 0; j < cols; j++) {
                        t += (double) d[base + j] * p[base + j];
                    }
                    softmaxRow(d, p, base, cols, t);
                }
                db.put(od + r0 * cols, d, 0, nr * cols);
            }
        });
    }

    /** body over the column range [0, dim) split into {@code threads} contiguous parts (each column's sum stays on one thread, in row order). */
    private static void columnSums(int dim, int threads, Range body) {
        split(dim, Math.min(threads, dim), body);
    }

    private static FloatBuffer f(INDArray a) {
        return a.data().asNioFloat();
    }

    private static DoubleBuffer d(INDArray a) {
        return a.data().asNioDouble();
    }

    private static int o(INDArray a) {
        return (int) a.offset();
    }

    /** Whether the arrays are {@link #dense} and of one length (element i of each is the same element). */
    static boolean sameLength(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.length() != arrays[0].length()) {
                return false;
            }
        }
        return dense(arrays);
    }

    /** out ← x + y, or x ⊙ y with {@code multiply} (one IEEE operation per element in the arrays' type, as ND4J's add and mul). */
    static void combine(INDArray x, INDArray y, INDArray out, boolean multiply) {
        int n = (int) x.length();
        int ox = o(x);
        int oy = o(y);
        int oo = o(out);
        if (x.dataType() == DataType.FLOAT) {
            combineFloat(f(x), ox, f(y), oy, f(out), oo, n, multiply);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer yb = d(y);
            DoubleBuffer ob = d(out);
            chunks(n, 1, (lo, hi) -> {
                if (multiply) {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) * yb.get(oy + i));
                    }
                } else {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) + yb.get(oy + i));
                    }
                }
            });
        }
    }

    /** y[r, j] ← y[r, j] + b[j] for y [N, D] (one add per element in y's type, as ND4J's addiRowVector). */
    static void addRowVector(INDArray y, INDArray b) {
        int dim = (int) b.length();
        int rows = (int) (y.length() / dim);
        int oy = o(y);
        int ob = o(b);
        if (y.dataType() == DataType.FLOAT) {
            addRowVectorFloat(f(y), oy, copyOf(f(b), ob, dim), rows, dim);
        } else {
            DoubleBuffer yb = d(y);
            DoubleBuffer bb = d(b);
            chunks(rows, dim, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int base = oy + r * dim;
                    for (int j = 0; j < dim; j++) {
                        yb.put(base + j, yb.get(base + j) + bb.get(ob + j));
                    }
                }
            });
        }
    }

    /** cdf ← x·(1/√2) (then ND4J's erf in place, by the caller). */
    static void geluScaleInput(INDArray x, INDArray cdf) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        if (x.dataType() == DataType.FLOAT) {
            geluFloat(0, f(x), ox, f(cdf), oc, null, 0, null, 0, n);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    cb.put(oc + i, xb.get(ox + i) * INV_SQRT2);
                }
            });
        }
    }

    /** With cdf = erf(x/√2): cdf ← (cdf + 1)·½, y ← x·cdf. */
    static void geluFinish(INDArray x, INDArray cdf, INDArray y) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        int oy = o(y);
        if (x.dataType() == DataType.FLOAT) {
            geluFloat(1, f(x), ox, f(cdf), oc, f(y), oy, null, 0, n);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            DoubleBuffer yb = d(y);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double c = (cb.get(oc + i) + 1.0) * 0.5;
                    cb.put(oc + i, c);
                    yb.put(oy + i, xb.get(ox + i) * c);
                }
            });
        }
    }

    /** tmp ← x·x·(−½) (then ND4J's exp in place, by the caller). */
    static void geluBackwardExponent(INDArray x, INDArray tmp) {
        int n = (int) x.length();
        int ox = o(x);
        int ot = o(tmp);
        if (x.dataType() == DataType.FLOAT) {
            geluFloat(2, f(x), ox, null, 0, f(tmp), ot, null, 0, n);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer tb = d(tmp);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double v = xb.get(ox + i);
                    tb.put(ot + i, v * v * -0.5);
                }
            });
        }
    }

    /** With tmp = exp(−x²/2): dy ← dy·(tmp·(1/√(2π))·x + cdf), i.e. dy·(Φ(x) + x·φ(x)). */
    static void geluBackwardFinish(INDArray x, INDArray cdf, INDArray tmp, INDArray dy) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        int ot = o(tmp);
        int od = o(dy);
        if (x.dataType() == DataType.FLOAT) {
            geluFloat(3, f(x), ox, f(cdf), oc, f(tmp), ot, f(dy), od, n);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            DoubleBuffer tb = d(tmp);
            DoubleBuffer db = d(dy);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    db.put(od + i, db.get(od + i) * (tb.get(ot + i) * INV_SQRT_2PI * xb.get(ox + i) + cb.get(oc + i)));
                }
            });
        }
    }

    /** Element i ← 0 if dropped ({@link DropoutHash}), else 1/(1 − rate) in the mask's type. */
    static void dropoutMask(INDArray mask, double rate, long seed) {
        int n = (int) mask.length();
        int om = o(mask);
        double keep = 1 / (1 - rate);
        if (mask.dataType() == DataType.FLOAT) {
            FloatBuffer mb = f(mask);
            float k = (float) keep;
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    mb.put(om + i, DropoutHash.dropped(seed, i, rate) ? 0f : k);
                }
            });
        } else {
            DoubleBuffer mb = d(mask);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    mb.put(om + i, DropoutHash.dropped(seed, i, rate) ? 0 : keep);
                }
            });
        }
    }

    /**
     * The inverted-dropout mask ND4J 1.0.0-M2.1's {@code BernoulliDistribution(mask, p)} followed by
     * {@code muli(scale)} writes into a packed FLOAT array, computed here: element i is
     * {@code scale} if u(i) ≤ p, else 0, where u(i) is the top 23 bits of ND4J's counter-based
     * 32-bit value for index i, as a float in [0, 1) (the generator's {@code relativeT<float>}).
     * That value is a function of the generator's root and node states and i alone: s0 = root |
     * (i + 2)·(node + 24243287), s1 = node ^ (i + 2)·(s0 + 723829), w = low 32 bits of s1 ^ s0,
     * value = rotl₃₂(w·0x9E3779BB, 5)·5. Only low 32 bits reach the value, and the low 32 bits of
     * products, sums, ORs and XORs depend only on the low 32 bits of their operands, so the
     * arithmetic is done in {@code int}. The formula was derived from ND4J's outputs and its
     * library's source and is checked against ND4J's op bit for bit (Nd4jMasksTest); the mask does
     * not depend on how the elements are split over threads.
     *
     * @param keep p, ND4J's probability of a one, as the op rounds it (float)
     */
    static void nd4jBernoulliMask(INDArray mask, float keep, float scale, long root, long node) {
        int n = (int) mask.length();
        int om = o(mask);
        java.nio.IntBuffer mb = mask.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asIntBuffer();
        int r = (int) root;
        int nd = (int) node;
        int a = nd + 24243287;
        // u ≤ keep  ⟺  mantissa m ≤ ⌊keep·2²³⌋ (u = m·2⁻²³ exactly; ND4J keeps u = p)
        int limit = (int) Math.floor(keep * 8388608.0);
        int keptBits = Float.floatToRawIntBits(scale);
        chunks(n, 1, (lo, hi) -> {
            int[] out = INT_SCRATCH.get();
            for (int i0 = lo; i0 < hi; i0 += BLOCK) {
                int len = Math.min(BLOCK, hi - i0);
                maskBlock(out, i0 + 2, len, r, a, nd, limit, keptBits);
                mb.put(om + i0, out, 0, len);
            }
        });
    }

    /** 0, 1, …, BLOCK − 1: the element index as loaded data, so that the JIT vectorises {@link #maskBlock} (JDK 17 does not vectorise loops that use the loop counter as a value). */
    private static final int[] IOTA = java.util.stream.IntStream.range(0, BLOCK).toArray();

    private static final ThreadLocal<int[]> INT_SCRATCH = ThreadLocal.withInitial(() -> new int[BLOCK]);

    /**
     * The mask's float bits for indices base − 2 … base − 2 + len − 1 (idx = i + 2 as ND4J's
     * generator has it): {@code keptBits} where m ≤ limit, else +0 (branch-free, all int).
     */
    private static void maskBlock(int[] out, int base, int len, int r, int a, int nd, int limit, int keptBits) {
        int[] iota = IOTA;
        for (int j = 0; j < len; j++) {
            int idx = base + iota[j];
            int s0 = r | (idx * a);
            int s1 = nd ^ (idx * (s0 + 723829));
            int w = (s1 ^ s0) * 0x9E3779BB;
            int m = (((w << 5) | (w >>> 27)) * 5) >>> 9;
            out[j] = keptBits & ((m - limit - 1) >> 31); // m ≤ limit < 2²³: m − limit − 1 < 0, all ones
        }
    }

    private static final AtomicBoolean WARMING = new AtomicBoolean();

    /**
     * Starts, once per process, a daemon thread that runs every FLOAT kernel on private 64×64
     * arrays (at most 2,000 rounds or 2 s) so that the JIT compiles their loops while the run loads
     * its data, not during its first steps (issue 20: a one-thread run's first step took 0.56-0.94 s
     * against PyTorch's 0.21-0.29 s, the GELU passes still in C1's profiling code). It touches no
     * array of the run, so no result changes; {@code -Dgradreg.warmUp=false} or
     * {@code -Dgradreg.hostKernels=false} switch it off.
     */
    static void warmUpInBackground() {
        if (enabled()) {
            WarmUp.start(WARMING, "gradreg-kernel-warm-up", HostKernels::warmUp);
        }
    }

    private static INDArray warmUpArray(java.util.SplittableRandom rnd, int rows, int cols, float shift) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble() + shift;
        }
        return Nd4j.createFromArray(v).reshape(rows, cols);
    }

    private static void warmUp() {
        int rows = 64;
        int dim = 64;
        DataType f = DataType.FLOAT;
        // values from a private generator: ND4J's own random stream (the run's initialisation) is never drawn from here
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261207);
        INDArray x = warmUpArray(rnd, rows, dim, -0.5f);
        INDArray y = warmUpArray(rnd, rows, dim, 0f);
        INDArray d0 = warmUpArray(rnd, rows, dim, -0.5f);
        INDArray zero = Nd4j.zeros(f, rows, dim);
        INDArray out = Nd4j.zeros(f, rows, dim);
        INDArray c = Nd4j.zeros(f, rows, dim);
        INDArray t = Nd4j.zeros(f, rows, dim);
        INDArray d = Nd4j.zeros(f, rows, dim);
        INDArray xhat = Nd4j.zeros(f, rows, dim);
        INDArray rstd = Nd4j.zeros(f, rows, 1);
        INDArray gamma = Nd4j.ones(f, dim);
        INDArray beta = Nd4j.zeros(f, dim);
        INDArray dgamma = Nd4j.zeros(f, dim);
        INDArray dbeta = Nd4j.zeros(f, dim);
        INDArray mask = Nd4j.zeros(f, rows, dim);
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < 2000 && System.nanoTime() < deadline; i++) {
            combine(x, y, out, false);
            combine(x, y, out, true);
            addRowVector(out, gamma);
            geluScaleInput(x, c);
            geluFinish(x, c, out);
            geluBackwardExponent(x, t);
            combine(d0, zero, d, false); // fresh values: repeated in-place updates would shrink into subnormals
            geluBackwardFinish(x, c, t, d);
            geluForwardFused(x, c, out);
            combine(d0, zero, d, false);
            geluBackwardFused(x, c, d);
            layerNormForward(x, gamma, beta, 1e-5, xhat, rstd, out);
            combine(d0, zero, d, false);
            layerNormBackward(d, xhat, rstd, gamma, dgamma, dbeta, out);
            combine(d0, zero, d, false);
            softmaxBackward(d, y, dim);
            nd4jBernoulliMask(mask, 0.9f, 1 / 0.9f, 12345L + i, -559051050L);
        }
    }

    /**
     * Layer norm of each row of x [N, D]: μ = Σx/D, σ² = Σ(x − μ)²/D (sums in double), rstd =
     * 1/√(σ² + ε), xhat = (x − μ)·rstd, y = xhat·γ + β.
     */
    static void layerNormForward(INDArray x, INDArray gamma, INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray y) {
        int rows = (int) x.size(0);
        int dim = (int) (x.length() / rows);
        int ox = o(x);
        int oh = o(xhat);
        int or = o(rstd);
        int oy = o(y);
        int og = o(gamma);
        int ob = o(beta);
        if (x.dataType() == DataType.FLOAT) {
            layerNormForwardFloat(f(x), ox, copyOf(f(gamma), og, dim), copyOf(f(beta), ob, dim), eps, f(xhat), oh, f(rstd), or, f(y), oy, rows, dim);
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer hb = d(xhat);
            DoubleBuffer rb = d(rstd);
            DoubleBuffer yb = d(y);
            DoubleBuffer gb = d(gamma);
            DoubleBuffer bb = d(beta);
            chunks(rows, dim, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int base = r * dim;
                    double sum = 0;
                    for (int j = 0; j < dim; j++) {
                        sum += xb.get(ox + base + j);
                    }
                    double mu = sum / dim;
                    double sq = 0;
                    for (int j = 0; j < dim; j++) {
                        double c = xb.get(ox + base + j) - mu;
                        sq += c * c;
                    }
                    double rs = 1 / Math.sqrt(sq / dim + eps);
                    rb.put(or + r, rs);
                    for (int j = 0; j < dim; j++) {
                        double h = (xb.get(ox + base + j) - mu) * rs;
                        hb.put(oh + base + j, h);
                        yb.put(oy + base + j, h * gb.get(og + j) + bb.get(ob + j));
                    }
                }
            });
        }
    }

    /**
     * Its backward: with g = dy·γ per row, dx = (g − mean(g) − xhat·mean(g·xhat))·rstd; dγ += Σ_rows
     * dy·xhat, dβ += Σ_rows dy (column sums in double, added once).
     */
    static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dgamma, INDArray dbeta,
                                  INDArray dx) {
        int rows = (int) dy.size(0);
        int dim = (int) (dy.length() / rows);
        double[] dg = new double[dim];
        double[] db = new double[dim];
        int oy = o(dy);
        int oh = o(xhat);
        int or = o(rstd);
        int og = o(gamma);
        int od = o(dx);
        if (dy.dataType() == DataType.FLOAT) {
            layerNormBackwardFloat(f(dy), oy, f(xhat), oh, f(rstd), or, copyOf(f(gamma), og, dim), f(dx), od, dg, db, rows, dim);
            FloatBuffer dgb = f(dgamma);
            FloatBuffer dbb = f(dbeta);
            int ogg = o(dgamma);
            int obb = o(dbeta);
            for (int j = 0; j < dim; j++) {
                dgb.put(ogg + j, (float) (dgb.get(ogg + j) + dg[j]));
                dbb.put(obb + j, (float) (dbb.get(obb + j) + db[j]));
            }
        } else {
            DoubleBuffer yb = d(dy);
            DoubleBuffer hb = d(xhat);
            DoubleBuffer rb = d(rstd);
            DoubleBuffer gb = d(gamma);
            DoubleBuffer xb = d(dx);
            if (threads(rows, dim) > 1) {
                chunks(rows, dim, (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int base = r * dim;
                        double s1 = 0;
                        double s2 = 0;
                        for (int j = 0; j < dim; j++) {
                            double gg = yb.get(oy + base + j) * gb.get(og + j);
                            s1 += gg;
                            s2 += gg * hb.get(oh + base + j);
                        }
                        double m1 = s1 / dim;
                        double m2 = s2 / dim;
                        double rs = rb.get(or + r);
                        for (int j = 0; j < dim; j++) {
                            double gg = yb.get(oy + base + j) * gb.get(og + j);
                            xb.put(od + base + j, (gg - m1 - hb.get(oh + base + j) * m2) * rs);
                        }
                    }
                });
                columnSums(dim, threads(rows, dim), (lo, hi) -> {
                    for (int r = 0; r < rows; r++) {
                        int base = r * dim;
                        for (int j = lo; j < hi; j++) {
                            double g = yb.get(oy + base + j);
                            dg[j] += g * hb.get(oh + base + j);
                            db[j] += g;
                        }
                    }
                });
            } else {
                for (int r = 0; r < rows; r++) {
                    int base = r * dim;
                    double s1 = 0;
                    double s2 = 0;
                    for (int j = 0; j < dim; j++) {
                        double g = yb.get(oy + base + j);
                        double h = hb.get(oh + base + j);
                        double gg = g * gb.get(og + j);
                        s1 += gg;
                        s2 += gg * h;
                        dg[j] += g * h;
                        db[j] += g;
                    }
                    double m1 = s1 / dim;
                    double m2 = s2 / dim;
                    double rs = rb.get(or + r);
                    for (int j = 0; j < dim; j++) {
                        double gg = yb.get(oy + base + j) * gb.get(og + j);
                        xb.put(od + base + j, (gg - m1 - hb.get(oh + base + j) * m2) * rs);
                    }
                }
            }
            DoubleBuffer dgb = d(dgamma);
            DoubleBuffer dbb = d(dbeta);
            int ogg = o(dgamma);
            int obb = o(dbeta);
            for (int j = 0; j < dim; j++) {
                dgb.put(ogg + j, dgb.get(ogg + j) + dg[j]);
                dbb.put(obb + j, dbb.get(obb + j) + db[j]);
            }
        }
    }

    /**
     * FLOAT softmax of each row of {@code cols} elements in place, as ND4J's SoftMax op computes it
     * for a packed matrix along its last dimension: m = the row's maximum, e_j = expf(x_j − m)
     * ({@link Libm#expf}), the e_j summed in float in index order, p_j = e_j / sum. Bit-identical to
     * the op where {@link Libm} is this machine's C library (HostKernelsTest).
     */
    static void softmaxRowsFloat(INDArray s, int cols) {
        int rows = (int) (s.length() / cols);
        FloatBuffer sb = f(s);
        int os = o(s);
        int per = rowsPerBlock(cols);
        chunks(rows, cols, (lo, hi) -> {
            float[] v = scratch(0, per * cols);
            for (int r0 = lo; r0 < hi; r0 += per) {
                int nr = Math.min(per, hi - r0);
                sb.get(os + r0 * cols, v, 0, nr * cols);
                for (int r = 0; r < nr; r++) {
                    int b = r * cols;
                    float m = -Float.MAX_VALUE;
                    for (int j = 0; j < cols; j++) {
                        m = m > v[b + j] ? m : v[b + j]; // nd4j_max(m, x), NaN and ±0 included
                    }
                    float sum = 0f;
                    for (int j = 0; j < cols; j++) {
                        float e = Libm.expf(v[b + j] - m);
                        v[b + j] = e;
                        sum += e;
                    }
                    for (int j = 0; j < cols; j++) {
                        v[b + j] /= sum;
                    }
                }
                sb.put(os + r0 * cols, v, 0, nr * cols);
            }
        });
    }

    /** dp ← p ⊙ (dp − Σ_row dp ⊙ p) over rows of {@code cols} elements (row sums in double). */
    static void softmaxBackward(INDArray dp, INDArray p, int cols) {
        int rows = (int) (dp.length() / cols);
        int od = o(dp);
        int op = o(p);
        if (dp.dataType() == DataType.FLOAT) {
            softmaxBackwardFloat(f(dp), od, f(p), op, rows, cols);
        } else {
            DoubleBuffer db = d(dp);
            DoubleBuffer pb = d(p);
            chunks(rows, cols, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int base = r * cols;
                    double s = 0;
                    for (int j = 0; j < cols; j++) {
                        s += db.get(od + base + j) * pb.get(op + base + j);
                    }
                    for (int j = 0; j < cols; j++) {
                        db.put(od + base + j, (db.get(od + base + j) - s) * pb.get(op + base + j));
                    }
                }
            });
        }
    }
}
