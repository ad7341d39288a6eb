package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm over (N, H, W) of an NCHW tensor, forward and backward, as plain Java loops over the
 * arrays, one channel at a time (channels split over the thread cap): each operand's channel (its N
 * planes) is copied once into a Java array, every pass runs on those copies (in cache), and the
 * results are copied out once; the ReLU is a select in its own branch-free loop (issue 20: the
 * same arithmetic in the same order as the per-plane version before, so bit-identical to it, with
 * the native arrays read once instead of up to three times; backward no longer writes the masked g
 * back, which nothing reads). The CPU
 * backend's {@link Backend#batchNormForward} and {@link Backend#batchNormBackward} (before: about
 * ten ND4J broadcast and reduction ops, each its own pass, ~1/3 of a small CNN's step, issue 20).
 * Statistics are accumulated in double: mean μ = Σx/n, biased variance σ² = Σ(x − μ)²/n (two
 * passes), rstd = 1/√(σ² + ε), x̂ = (x − μ)·rstd, y = mask·ReLU(γ·x̂ + β). Backward, with g masked
 * and passed through the ReLU where y &gt; 0: dβ = Σg, dγ = Σg·x̂, dx = γ·rstd·(g − dβ/n − x̂·dγ/n)
 * in training, γ·rstd·g in evaluation (Ioffe and Szegedy 2015, eq. of the backward pass). The
 * rounding differs from the ND4J ops' (other summation order and precision), within the tests'
 * tolerances (DOUBLE central differences, the SameDiff graphs to 1e-12).
 */
final class BatchNormKernels {

    private BatchNormKernels() {
    }

    /** Whether the loops apply: whole 'c'-order arrays of one data type (a null is skipped) with int indices. */
    static boolean applies(INDArray... as) {
        for (INDArray a : as) {
            if (a != null && (a.dataType() != as[0].dataType() || a.offset() != 0 || a.ordering() != 'c' || a.isView()
                    || a.elementWiseStride() != 1 || a.length() >= Integer.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    static double[] read(INDArray a) {
        return a.dup().data().asDouble();
    }

    static void write(double[] v, INDArray a) {
        for (int i = 0; i < v.length; i++) {
            a.putScalar(i, v[i]);
        }
    }

    /**
     * x [N, C, H, W] → xhat (may be x), y; mean, var (training: the batch's; evaluation: given), rstd
     * filled in; mask may be null.
     */
    static void forward(INDArray x, INDArray xhat, INDArray y, INDArray mask, double[] mean, double[] var, double[] rstd, double[] gamma,
                        double[] beta, boolean evaluation, double eps, boolean relu) {
        int n = (int) x.size(0);
        int ch = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * ch));
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer hb = xhat.data().asNioFloat();
            FloatBuffer yb = y.data().asNioFloat();
            FloatBuffer mb = mask == null ? null : mask.data().asNioFloat();
            // channels in pairs: their statistics' sums run side by side (FLOAT only: the DOUBLE path checks, it is not timed)
            Im2col.each((ch + 1) / 2, p -> forward(xb, hb, yb, mb, mean, var, rstd, gamma, beta, evaluation, eps, relu, n, ch, hw, 2 * p,
                    Math.min(2 * p + 1, ch - 1)));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer hb = xhat.data().asNioDouble();
            DoubleBuffer yb = y.data().asNioDouble();
            DoubleBuffer mb = mask == null ? null : mask.data().asNioDouble();
            Im2col.each(ch, c -> forward(xb, hb, yb, mb, mean, var, rstd, gamma, beta, evaluation, eps, relu, n, ch, hw, c));
        }
    }

    /** g (read; not written) → dx, dgamma, dbeta (overwritten). */
    static void backward(INDArray g, INDArray y, INDArray xhat, INDArray dx, INDArray mask, double[] rstd, double[] gamma, double[] dgamma,
                         double[] dbeta, boolean evaluation, boolean relu) {
        int n = (int) g.size(0);
        int ch = (int) g.size(1);
        int hw = (int) (g.length() / ((long) n * ch));
        if (g.dataType() == DataType.FLOAT) {
            FloatBuffer gb = g.data().asNioFloat();
            FloatBuffer yb = y.data().asNioFloat();
            FloatBuffer hb = xhat.data().asNioFloat();
            FloatBuffer db = dx.data().asNioFloat();
            FloatBuffer mb = mask == null ? null : mask.data().asNioFloat();
            Im2col.each(ch, c -> backward(gb, yb, hb, db, mb, rstd, gamma, dgamma, dbeta, evaluation, relu, n, ch, hw, c));
        } else {
            DoubleBuffer gb = g.data().asNioDouble();
            DoubleBuffer yb = y.data().asNioDouble();
            DoubleBuffer hb = xhat.data().asNioDouble();
            DoubleBuffer db = dx.data().asNioDouble();
            DoubleBuffer mb = mask == null ? null : mask.data().asNioDouble();
            Im2col.each(ch, c -> backward(gb, yb, hb, db, mb, rstd, gamma, dgamma, dbeta, evaluation, relu, n, ch, hw, c));
        }
    }

    /**
     * −1 (all bits) where the float with these bits is &gt; 0, else 0 (also for ±0, negatives and
     * NaN): 0 &lt; bits ≤ 0x7f800000 (+∞) as a signed int, i.e. −bits and bits − 0x7f800001 both
     * negative, without a branch.
     */
    static int positive(int bits) {
        return (-bits & (bits - 0x7f800001)) >> 31;
    }

    /** The same for the bits of a double: 0 &lt; bits ≤ 0x7ff0000000000000L. */
    static long positive(long bits) {
        return (-bits & (bits - 0x7ff0000000000001L)) >> 63;
    }

    /**
     * A scratch length of at least len elements of this width whose array, header included, spans
     * 1 KiB more than a multiple of 4 KiB: the four arrays, allocated one after the other, then sit
     * 1, 2 and 3 KiB apart modulo 4 KiB instead of a few bytes (a channel of cnn-small's first stage
     * is 128·784 floats, exactly 98 pages), so the loops' loads and stores at the same index do not
     * 4K-alias (issue 20: the backward ran at 12 or 23 ms a call depending on where the arrays fell).
     */
    static int staggered(int len, int width) {
        long bytes = (long) len * width + 16;
        long pad = Math.floorMod(1024 - bytes, 4096);
        return Math.toIntExact(len + (pad + width - 1) / width);
    }

    // ---- JIT warm-up ----

    /**
     * The FLOAT loops (training forward with and without ReLU, evaluation forward, backward) on private
     * arrays of [4, 8, 14, 14], channel by channel on the calling thread (no thread team), for at most
     * {@code rounds} rounds or until {@code deadline} (System.nanoTime()), so that the JIT compiles them
     * before a run's first step ({@link CpuBackend#warmUpInBackground(String, boolean)}). Its values come
     * from a private generator and it touches no array of the run: no result changes.
     */
    static void warmUp(int rounds, long deadline) {
        int n = 4;
        int ch = 8;
        int hw = 14 * 14;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261208);
        float[] v = new float[n * ch * hw];
        float[] d = new float[n * ch * hw];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
            d[i] = (float) rnd.nextDouble(-1, 1);
        }
        // native buffers, as the run's (a heap buffer would give the bulk copies' call sites a second receiver type); the
        // arrays themselves stay referenced to the end: a view of a collected array's native memory is freed under it
        INDArray[] owners = {org.nd4j.linalg.factory.Nd4j.createFromArray(v), org.nd4j.linalg.factory.Nd4j.createFromArray(d),
            org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, v.length), org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, v.length),
            org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, v.length)};
        FloatBuffer x = owners[0].data().asNioFloat();
        FloatBuffer g = owners[1].data().asNioFloat();
        FloatBuffer xhat = owners[2].data().asNioFloat();
        FloatBuffer y = owners[3].data().asNioFloat();
        FloatBuffer dx = owners[4].data().asNioFloat();
        double[] mean = new double[ch];
        double[] var = new double[ch];
        double[] rstd = new double[ch];
        double[] gamma = new double[ch];
        double[] beta = new double[ch];
        double[] dgamma = new double[ch];
        double[] dbeta = new double[ch];
        java.util.Arrays.fill(gamma, 1);
        for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
            for (int c = 0; c < ch; c += 2) {
                forward(x, xhat, y, null, mean, var, rstd, gamma, beta, false, 1e-5, true, n, ch, hw, c, c + 1);
                forward(x, xhat, y, null, mean, var, rstd, gamma, beta, false, 1e-5, false, n, ch, hw, c, c);
                forward(x, xhat, y, null, mean, var, rstd, gamma, beta, true, 1e-5, true, n, ch, hw, c + 1, c + 1);
            }
            for (int c = 0; c < ch; c++) {
                backward(g, y, xhat, dx, null, rstd, gamma, dgamma, dbeta, false, true, n, ch, hw, c);
            }
        }
        java.lang.ref.Reference.reachabilityFence(owners);
    }

    // ---- FLOAT ----

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[5][0]);

    /** This thread's five scratch arrays of at least len elements (one channel: n planes of hw). */
    private static float[][] floats(int len) {
        float[][] s = FLOATS.get();
        if (s[0].length < len) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new float[staggered(len, 4)];
            }
        }
        return s;
    }

    /** dst[b·hw + i] ← channel c of example b, position i, for every example (one bulk copy per plane). */
    private static void gather(FloatBuffer src, float[] dst, int n, int ch, int hw, int c) {
        for (int b = 0; b < n; b++) {
            src.get((b * ch + c) * hw, dst, b * hw, hw);
        }
    }

    private static void scatter(float[] src, FloatBuffer dst, int n, int ch, int hw, int c) {
        for (int b = 0; b < n; b++) {
            dst.put((b * ch + c) * hw, src, b * hw, hw);
        }
    }

    /**
     * Channels c0 and c1 (c1 = c0 for a channel on its own): both gathered, their statistics computed
     * in the same loops (each channel's sums the same additions in the same order as one channel at a
     * time, so the same bits; two independent chains of dependent additions run in the time of one:
     * the sums are bound by the addition's latency, 0.82 ns an element for one chain, 0.41 for two,
     * issue 20), then each channel finished on its own.
     */
    private static void forward(FloatBuffer x, FloatBuffer xhat, FloatBuffer y, FloatBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c0, int c1) {
        int len = n * hw;
        float[][] s5 = floats(len);
        float[] as = s5[0];
        float[] bs = s5[4];
        gather(x, as, n, ch, hw, c0); // the channels' values read once; the passes below run on these copies
        if (c1 != c0) {
            gather(x, bs, n, ch, hw, c1);
        }
        if (!evaluation) {
            double count = (double) n * hw;
            if (c1 != c0) {
                statistics(as, bs, len, count, mean, var, c0, c1);
            } else {
                statistics(as, len, count, mean, var, c0);
            }
        }
        finish(as, s5, xhat, y, mask, mean, var, rstd, gamma, beta, eps, relu, n, ch, hw, c0);
        if (c1 != c0) {
            finish(bs, s5, xhat, y, mask, mean, var, rstd, gamma, beta, eps, relu, n, ch, hw, c1);
        }
    }

    /** mean[c] = Σx/n, var[c] = Σ(x − μ)²/n of one channel's copy, each sum one chain in index order. */
    private static void statistics(float[] xs, int len, double count, double[] mean, double[] var, int c) {
        double s = 0;
        for (int j = 0; j < len; j++) {
            s += xs[j];
        }
        double mu = s / count;
        double ss = 0;
        for (int j = 0; j < len; j++) {
            double d = xs[j] - mu;
            ss += d * d;
        }
        mean[c] = mu;
        var[c] = ss / count;
    }

    /** The same for two channels at once: each channel's sums the same chains as {@link #statistics(float[], int, double, double[], double[], int)}. */
    private static void statistics(float[] as, float[] bs, int len, double count, double[] mean, double[] var, int ca, int cb) {
        double sa = 0;
        double sb = 0;
        for (int j = 0; j < len; j++) {
            sa += as[j];
            sb += bs[j];
        }
        double mua = sa / count;
        double mub = sb / count;
        double qa = 0;
        double qb = 0;
        for (int j = 0; j < len; j++) {
            double da = as[j] - mua;
            double db = bs[j] - mub;
            qa += da * da;
            qb += db * db;
        }
        mean[ca] = mua;
        var[ca] = qa / count;
        mean[cb] = mub;
        var[cb] = qb / count;
    }

    /** x̂ and y of channel c from its copy xs (scratch: s5[1..3]), written out. */
    private static void finish(float[] xs, float[][] s5, FloatBuffer xhat, FloatBuffer y, FloatBuffer mask, double[] mean, double[] var,
                               double[] rstd, double[] gamma, double[] beta, double eps, boolean relu, int n, int ch, int hw, int c) {
        int len = n * hw;
        float[] hs = s5[1];
        float[] ys = s5[2];
        float[] ms = s5[3];
        double r = 1 / Math.sqrt(var[c] + eps);
        rstd[c] = r;
        double mu = mean[c];
        double g = gamma[c];
        double be = beta[c];
        // the ReLU as a select (v > 0 ? v : +0, also +0 for NaN and −0 as before), each variant its own loop; the select is
        // an AND with the mask positive(bits of v), integer arithmetic without a condition: C2 compiles a float select to a
        // branch, which mispredicts on about half of the elements (issue 20: 8× slower here), and whether it emits a
        // cmov for an integer select depends on the branch profile it saw
        normalise(xs, hs, len, mu, r);
        if (relu) {
            affineReLU(hs, ys, len, g, be);
        } else {
            affine(hs, ys, len, g, be);
        }
        if (mask != null) {
            gather(mask, ms, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                ys[j] *= ms[j];
            }
        }
        scatter(hs, xhat, n, ch, hw, c);
        scatter(ys, y, n, ch, hw, c);
    }

    private static void backward(FloatBuffer gb, FloatBuffer y, FloatBuffer xhat, FloatBuffer dx, FloatBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        int len = n * hw;
        float[][] s4 = floats(len);
        float[] gs = s4[0];
        float[] hs = s4[1];
        float[] ys = s4[2];
        float[] ms = s4[3];
        gather(gb, gs, n, ch, hw, c);
        gather(xhat, hs, n, ch, hw, c);
        if (mask != null) {
            gather(mask, ms, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                gs[j] *= ms[j];
            }
        }
        double sg = 0;
        double sgx = 0;
        if (relu) {
            // g passed where y > 0 (as the forward's select: an AND with an integer mask), summed in the same loop
            gather(y, ys, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                float g = Float.intBitsToFloat(Float.floatToRawIntBits(gs[j]) & positive(Float.floatToRawIntBits(ys[j])));
                gs[j] = g;
                sg += g;
                sgx += g * (double) hs[j];
            }
        } else {
            for (int j = 0; j < len; j++) {
                float g = gs[j];
                sg += g;
                sgx += g * (double) hs[j];
            }
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        float[] ds = s4[2]; // y's copy, no longer needed
        dx(ds, gs, hs, len, coef, mg, mgx);
        scatter(ds, dx, n, ch, hw, c);
    }

    // The element loops below are unrolled by four by hand, each element's operations the same as in a
    // plain loop (so the same bits): C2 compiles a plain loop of float → double → float conversions to
    // scalar code in which each iteration's conversion waits for the previous one (the conversion
    // instructions write only part of their register, and the loop reuses the register), 2-3 ns an
    // element; four independent elements an iteration run at 0.4-0.5 ns (issue 20, hand-run harness,
    // 2026-12-08: x̂ 3.0 → 0.48 ns, ReLU(γx̂ + β) 2.4 → 1.06 ns an element, outputs equal). This is also
    // why the fused x̂-and-y loop before ran at either 1.2 or 6.4 ns an element.

    /** x̂ = (x − μ)·rstd. */
    private static void normalise(float[] xs, float[] hs, int len, double mu, double r) {
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            double x0 = xs[j];
            double x1 = xs[j + 1];
            double x2 = xs[j + 2];
            double x3 = xs[j + 3];
            hs[j] = (float) ((x0 - mu) * r);
            hs[j + 1] = (float) ((x1 - mu) * r);
            hs[j + 2] = (float) ((x2 - mu) * r);
            hs[j + 3] = (float) ((x3 - mu) * r);
        }
        for (; j < len; j++) {
            hs[j] = (float) ((xs[j] - mu) * r);
        }
    }

    /** y = γ·x̂ + β. */
    private static void affine(float[] hs, float[] ys, int len, double g, double be) {
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            double h0 = hs[j];
            double h1 = hs[j + 1];
            double h2 = hs[j + 2];
            double h3 = hs[j + 3];
            ys[j] = (float) (h0 * g + be);
            ys[j + 1] = (float) (h1 * g + be);
            ys[j + 2] = (float) (h2 * g + be);
            ys[j + 3] = (float) (h3 * g + be);
        }
        for (; j < len; j++) {
            ys[j] = (float) (hs[j] * g + be);
        }
    }

    /** y = ReLU(γ·x̂ + β), the ReLU as an AND with {@link #positive(int)}. */
    private static void affineReLU(float[] hs, float[] ys, int len, double g, double be) {
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            int b0 = Float.floatToRawIntBits((float) (hs[j] * g + be));
            int b1 = Float.floatToRawIntBits((float) (hs[j + 1] * g + be));
            int b2 = Float.floatToRawIntBits((float) (hs[j + 2] * g + be));
            int b3 = Float.floatToRawIntBits((float) (hs[j + 3] * g + be));
            ys[j] = Float.intBitsToFloat(b0 & positive(b0));
            ys[j + 1] = Float.intBitsToFloat(b1 & positive(b1));
            ys[j + 2] = Float.intBitsToFloat(b2 & positive(b2));
            ys[j + 3] = Float.intBitsToFloat(b3 & positive(b3));
        }
        for (; j < len; j++) {
            int b = Float.floatToRawIntBits((float) (hs[j] * g + be));
            ys[j] = Float.intBitsToFloat(b & positive(b));
        }
    }

    /** ds ← coef·(g − mg − x̂·mgx): a method of its own, so that C2 compiles this loop on its own (its code ran 2-4× slower in some compilations of the whole backward). */
    private static void dx(float[] ds, float[] gs, float[] hs, int len, double coef, double mg, double mgx) {
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            double g0 = gs[j];
            double g1 = gs[j + 1];
            double g2 = gs[j + 2];
            double g3 = gs[j + 3];
            double h0 = hs[j];
            double h1 = hs[j + 1];
            double h2 = hs[j + 2];
            double h3 = hs[j + 3];
            ds[j] = (float) (coef * (g0 - mg - h0 * mgx));
            ds[j + 1] = (float) (coef * (g1 - mg - h1 * mgx));
            ds[j + 2] = (float) (coef * (g2 - mg - h2 * mgx));
            ds[j + 3] = (float) (coef * (g3 - mg - h3 * mgx));
        }
        for (; j < len; j++) {
            ds[j] = (float) (coef * (gs[j] - mg - hs[j] * mgx));
        }
    }

    // ---- DOUBLE ----

    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[4][0]);

    /** This thread's four scratch arrays of at least len elements (one channel: n planes of hw). */
    private static double[][] doubles(int len) {
        double[][] s = DOUBLES.get();
        if (s[0].length < len) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new double[staggered(len, 8)];
            }
        }
        return s;
    }

    /** dst[b·hw + i] ← channel c of example b, position i, for every example (one bulk copy per plane). */
    private static void gather(DoubleBuffer src, double[] dst, int n, int ch, int hw, int c) {
        for (int b = 0; b < n; b++) {
            src.get((b * ch + c) * hw, dst, b * hw, hw);
        }
    }

    private static void scatter(double[] src, DoubleBuffer dst, int n, int ch, int hw, int c) {
        for (int b = 0; b < n; b++) {
            dst.put((b * ch + c) * hw, src, b * hw, hw);
        }
    }

    private static void forward(DoubleBuffer x, DoubleBuffer xhat, DoubleBuffer y, DoubleBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c) {
        int len = n * hw;
        double[][] s4 = doubles(len);
        double[] xs = s4[0];
        double[] hs = s4[1];
        double[] ys = s4[2];
        double[] ms = s4[3];
        gather(x, xs, n, ch, hw, c); // the channel's values read once; the passes below run on this copy
        double count = (double) n * hw;
        if (!evaluation) {
            double s = 0;
            for (int j = 0; j < len; j++) {
                s += xs[j];
            }
            double mu = s / count;
            double ss = 0;
            for (int j = 0; j < len; j++) {
                double d = xs[j] - mu;
                ss += d * d;
            }
            mean[c] = mu;
            var[c] = ss / count;
        }
        double r = 1 / Math.sqrt(var[c] + eps);
        rstd[c] = r;
        double mu = mean[c];
        double g = gamma[c];
        double be = beta[c];
        // the ReLU as a select (v > 0 ? v : +0, also +0 for NaN and −0 as before), each variant its own loop; the select is
        // an AND with the mask positive(bits of v), integer arithmetic without a condition: C2 compiles a float select to a
        // branch, which mispredicts on about half of the elements (issue 20: 8× slower here), and whether it emits a
        // cmov for an integer select depends on the branch profile it saw
        if (relu) {
            for (int j = 0; j < len; j++) {
                double h = ((xs[j] - mu) * r);
                double v = (h * g + be);
                hs[j] = h;
                long b = Double.doubleToRawLongBits(v);
                ys[j] = Double.longBitsToDouble(b & positive(b));
            }
        } else {
            for (int j = 0; j < len; j++) {
                double h = ((xs[j] - mu) * r);
                hs[j] = h;
                ys[j] = (h * g + be);
            }
        }
        if (mask != null) {
            gather(mask, ms, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                ys[j] *= ms[j];
            }
        }
        scatter(hs, xhat, n, ch, hw, c);
        scatter(ys, y, n, ch, hw, c);
    }

    private static void backward(DoubleBuffer gb, DoubleBuffer y, DoubleBuffer xhat, DoubleBuffer dx, DoubleBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        int len = n * hw;
        double[][] s4 = doubles(len);
        double[] gs = s4[0];
        double[] hs = s4[1];
        double[] ys = s4[2];
        double[] ms = s4[3];
        gather(gb, gs, n, ch, hw, c);
        gather(xhat, hs, n, ch, hw, c);
        if (mask != null) {
            gather(mask, ms, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                gs[j] *= ms[j];
            }
        }
        double sg = 0;
        double sgx = 0;
        if (relu) {
            // g passed where y > 0 (as the forward's select: an AND with an integer mask), summed in the same loop
            gather(y, ys, n, ch, hw, c);
            for (int j = 0; j < len; j++) {
                double g = Double.longBitsToDouble(Double.doubleToRawLongBits(gs[j]) & positive(Double.doubleToRawLongBits(ys[j])));
                gs[j] = g;
                sg += g;
                sgx += g * hs[j];
            }
        } else {
            for (int j = 0; j < len; j++) {
                double g = gs[j];
                sg += g;
                sgx += g * hs[j];
            }
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        for (int j = 0; j < len; j++) {
            gs[j] = (coef * (gs[j] - mg - hs[j] * mgx));
        }
        scatter(gs, dx, n, ch, hw, c);
    }
}
