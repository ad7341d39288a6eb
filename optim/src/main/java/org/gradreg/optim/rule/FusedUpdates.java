package org.gradreg.optim.rule;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of the Adam, SGD-momentum and Adan updates as one pass over the tensors'
 * memory (plain Java loops: Adam's and SGD's in FLOAT over blocks copied from the native buffers to
 * heap arrays, which C2 vectorises; Adan's and the DOUBLE ones element by element), instead of one
 * ND4J op, with its own pass over memory and native call, per term of the equations. Tensors of
 * {@link #parallelMin} elements or more are split over ND4J's thread cap ({@link #inParts}).
 *
 * <p>Each loop evaluates exactly the operations of the rule's op-by-op form, in the same order and
 * in the tensors' own type, so the results are bit-identical to it in FLOAT and DOUBLE
 * ({@code FusedUpdateTest}): an in-place scale {@code x.muli(c)} is {@code x·(T) c}; square roots,
 * quotients and sums are IEEE-rounded in T as ND4J's are; and an axpy {@code y += a·x} is rounded
 * as the op-by-op form rounds it ({@link AxpyRounding}): OpenBLAS's saxpy/daxpy kernels use a
 * fused multiply-add on whole vector blocks of each thread's chunk and a separate multiply and add
 * on the chunk's tail (the AVX2 "Haswell"/"Zen" kernels; the AVX-512 one fuses every element), and
 * {@code Params.axpy}'s fallback for views and mixed layouts multiplies and adds separately. Which
 * pattern this process's OpenBLAS follows is measured once ({@link AxpyRounding#probe}); if it is
 * none of the known ones the fused path stays off for that type.
 *
 * <p>A kernel runs only when every tensor it touches is dense in one layout (same shape, same
 * ordering, unit strides, possibly at an offset into its buffer) and of one type; otherwise it
 * returns false and the rule runs its op-by-op form, which follows logical indices. The fused path
 * can be switched off with {@code -Dgradreg.fusedUpdates=false} (read at every update, for
 * before/after benchmarks).
 */
final class FusedUpdates {

    private FusedUpdates() {
    }

    /** Whether the fused kernels may run (system property {@code gradreg.fusedUpdates}, default true). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("gradreg.fusedUpdates"));
    }

    /** Lengths from which one tensor's update is split over ND4J's thread cap ({@code --threads}); a field for tests. */
    static volatile int parallelMin = 1 << 18;

    /** A loop body over some (from, to, fused-axpy flag) triples of a tensor's ranges. */
    interface RangeBody {
        void run(int[] ranges);
    }

    /**
     * body over the ranges, in contiguous parts on the calling thread and the fork-join pool when the
     * tensor is long ({@link #parallelMin}) and ND4J's thread cap is above one. Each element's
     * operations and rounding stay those of its range, so no bit depends on the split.
     */
    static void inParts(int[] ranges, int n, RangeBody body) {
        int t = n >= parallelMin ? Math.max(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads()) : 1;
        if (t <= 1) {
            body.run(ranges);
            return;
        }
        int[][] parts = new int[t][];
        for (int p = 0; p < t; p++) {
            long lo = (long) n * p / t;
            long hi = (long) n * (p + 1) / t;
            int[] sub = new int[ranges.length];
            int k = 0;
            for (int r = 0; r < ranges.length; r += 3) {
                int from = (int) Math.max(ranges[r], lo);
                int to = (int) Math.min(ranges[r + 1], hi);
                if (from < to) {
                    sub[k++] = from;
                    sub[k++] = to;
                    sub[k++] = ranges[r + 2];
                }
            }
            parts[p] = java.util.Arrays.copyOf(sub, k);
        }
        java.util.stream.IntStream.range(0, t).parallel().forEach(p -> body.run(parts[p]));
    }

    /**
     * Adam's moments and step with the parameter update (eq. 5 of the harmful-GR paper; AdamW's
     * decoupled decay first when {@code decay} is not 1):
     * <pre>
     *   m ← fma(1−β₁, g₁, m·β₁)     v ← fma(1−β₂, g₂·g₂, v·β₂)
     *   step = m / (√v / √(1−β₂ᵗ) + ε) · (η/(1−β₁ᵗ))
     *   θ ← θ·decay − step
     * </pre>
     * as {@link AdamMoments#updateAndStep} and the rules' {@code θ.muli(decay); axpy(−1, step, θ)}.
     * Returns false (nothing written) when the layouts do not allow one linear pass.
     */
    static boolean adam(INDArray theta, INDArray g1, INDArray g2, INDArray m, INDArray v, double beta1, double beta2, double eps,
                        double sqrtBc2, double stepScale, double decay, boolean decays) {
        if (!enabled() || !sameDenseLayout(theta, g1, g2, m, v)) {
            return false;
        }
        int n = Math.toIntExact(theta.length());
        int[] ranges = AxpyRounding.ranges(theta.dataType(), n);
        if (ranges == null) {
            return false;
        }
        // the op-by-op form's axpys: m += (1−β₁)·g₁ (BLAS unless g₁ is a view), v += (1−β₂)·g₂² (a work buffer into v: BLAS);
        // θ += −1·step is exact either way
        boolean blasM = AxpyRounding.blas(g1, m);
        boolean blasV = AxpyRounding.blasFromScratch(v);
        int ot = off(theta);
        int oa = off(g1);
        int ob = off(g2);
        int om = off(m);
        int ov = off(v);
        // g₂ is g₁ itself unless AGR's paper placement feeds Ψ(g) to m only: then one read of memory serves both
        boolean same = g1.data() == g2.data() && oa == ob;
        if (theta.dataType() == DataType.FLOAT) {
            FloatBuffer th = theta.data().asNioFloat();
            FloatBuffer a = g1.data().asNioFloat();
            FloatBuffer b = g2.data().asNioFloat();
            FloatBuffer mb = m.data().asNioFloat();
            FloatBuffer vb = v.data().asNioFloat();
            float b1 = (float) beta1;
            float omb1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float omb2 = (float) (1 - beta2);
            float e = (float) eps;
            float s2 = (float) sqrtBc2;
            float sc = (float) stepScale;
            float dc = decays ? (float) decay : 1f; // θ·1 = θ exactly: no branch on the rule in the loop
            inParts(ranges, n, rs -> {
                for (int r = 0; r < rs.length; r += 3) {
                    adamRange(th, a, b, mb, vb, ot, oa, ob, om, ov, rs[r], rs[r + 1], rs[r + 2] == 1 && blasM, rs[r + 2] == 1 && blasV, same,
                            b1, omb1, b2, omb2, e, s2, sc, dc);
                }
            });
        } else {
            DoubleBuffer th = theta.data().asNioDouble();
            DoubleBuffer a = g1.data().asNioDouble();
            DoubleBuffer b = g2.data().asNioDouble();
            DoubleBuffer mb = m.data().asNioDouble();
            DoubleBuffer vb = v.data().asNioDouble();
            double dc = decays ? decay : 1;
            inParts(ranges, n, rs -> {
                for (int r = 0; r < rs.length; r += 3) {
                    adamRange(th, a, b, mb, vb, ot, oa, ob, om, ov, rs[r], rs[r + 1], rs[r + 2] == 1 && blasM, rs[r + 2] == 1 && blasV,
                            beta1, 1 - beta1, beta2, 1 - beta2, eps, sqrtBc2, stepScale, dc);
                }
            });
        }
        return true;
    }

    /**
     * One range of {@link #adam} in FLOAT, in blocks copied to heap arrays (so that C2 vectorises
     * each loop; element by element through the direct buffers nothing is vectorised), each term a
     * loop of its own with its rounding choice outside it: the same operations per element as the
     * element-wise form, so the same bits.
     */
    private static void adamRange(FloatBuffer th, FloatBuffer a, FloatBuffer b, FloatBuffer mb, FloatBuffer vb, int ot, int oa, int ob,
                                  int om, int ov, int from, int to, boolean fm, boolean fv, boolean same, float b1, float omb1, float b2,
                                  float omb2, float e, float s2, float sc, float dc) {
        float[] ta = scratch(0);
        float[] tb = scratch(1);
        float[] tm = scratch(2);
        float[] tv = scratch(3);
        float[] tt = scratch(4);
        for (int i0 = from; i0 < to; i0 += BLOCK) {
            int len = Math.min(BLOCK, to - i0);
            a.get(oa + i0, ta, 0, len);
            if (same) {
                System.arraycopy(ta, 0, tb, 0, len);
            } else {
                b.get(ob + i0, tb, 0, len);
            }
            mb.get(om + i0, tm, 0, len);
            vb.get(ov + i0, tv, 0, len);
            th.get(ot + i0, tt, 0, len);
            scaleAdd(fm, tm, b1, ta, omb1, len);
            for (int i = 0; i < len; i++) {
                tb[i] = tb[i] * tb[i];
            }
            scaleAdd(fv, tv, b2, tb, omb2, len);
            for (int i = 0; i < len; i++) {
                tt[i] = tt[i] * dc - tm[i] / ((float) Math.sqrt(tv[i]) / s2 + e) * sc;
            }
            mb.put(om + i0, tm, 0, len);
            vb.put(ov + i0, tv, 0, len);
            th.put(ot + i0, tt, 0, len);
        }
    }

    /** y ← axpy(fused, a, x, y·c) over len elements: fma(a, x, y·c) or y·c + x·a. */
    private static void scaleAdd(boolean fused, float[] y, float c, float[] x, float a, int len) {
        if (fused) {
            for (int i = 0; i < len; i++) {
                y[i] = Math.fma(a, x[i], y[i] * c);
            }
        } else {
            for (int i = 0; i < len; i++) {
                y[i] = y[i] * c + x[i] * a;
            }
        }
    }

    /** Elements per heap block of the FLOAT loops (five arrays of it stay in the first-level cache). */
    private static final int BLOCK = 1024;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][BLOCK]);

    /** This thread's scratch block k. */
    private static float[] scratch(int k) {
        return SCRATCH.get()[k];
    }

    /** One range of {@link #adam} in DOUBLE. */
    private static void adamRange(DoubleBuffer th, DoubleBuffer a, DoubleBuffer b, DoubleBuffer mb, DoubleBuffer vb, int ot, int oa, int ob,
                                  int om, int ov, int from, int to, boolean fm, boolean fv, double b1, double omb1, double b2, double omb2,
                                  double e, double s2, double sc, double dc) {
        for (int i = from; i < to; i++) {
            double gb = b.get(ob + i);
            double mi = axpy(fm, omb1, a.get(oa + i), mb.get(om + i) * b1);
            double vi = axpy(fv, omb2, gb * gb, vb.get(ov + i) * b2);
            mb.put(om + i, mi);
            vb.put(ov + i, vi);
            double step = mi / (Math.sqrt(vi) / s2 + e) * sc;
            th.put(ot + i, th.get(ot + i) * dc - step);
        }
    }

    /** y + a·x rounded as one fused multiply-add or as a product and a sum. */
    private static float axpy(boolean fused, float a, float x, float y) {
        return fused ? Math.fma(a, x, y) : y + x * a;
    }

    private static double axpy(boolean fused, double a, double x, double y) {
        return fused ? Math.fma(a, x, y) : y + x * a;
    }

    /**
     * SGD with momentum (torch.optim.SGD), as {@link Sgd}'s op-by-op form:
     * <pre>
     *   b ← g (first step)  or  b ← fma(1−τ, g, b·μ)
     *   u ← fma(μ, b, g) (Nesterov)  or  u ← b
     *   θ ← fma(−η, u, θ)
     * </pre>
     * The gradient is read only (the op-by-op form overwrote it with u under Nesterov; a rule's
     * gradient is consumed either way).
     */
    static boolean sgdMomentum(INDArray theta, INDArray g, INDArray buf, boolean first, double mu, double dampening, boolean nesterov,
                               double eta) {
        if (!enabled() || !sameDenseLayout(theta, g, buf)) {
            return false;
        }
        int n = Math.toIntExact(theta.length());
        int[] ranges = AxpyRounding.ranges(theta.dataType(), n);
        if (ranges == null) {
            return false;
        }
        boolean blasB = AxpyRounding.blas(g, buf);
        boolean blasN = AxpyRounding.blas(buf, g);
        boolean blasT = AxpyRounding.blas(nesterov ? g : buf, theta);
        int ot = off(theta);
        int og = off(g);
        int ob = off(buf);
        inParts(ranges, n, rs -> {
            for (int r = 0; r < rs.length; r += 3) {
                boolean in = rs[r + 2] == 1;
                if (theta.dataType() == DataType.FLOAT) {
                    FloatBuffer th = theta.data().asNioFloat();
                    FloatBuffer gb = g.data().asNioFloat();
                    FloatBuffer bb = buf.data().asNioFloat();
                    if (nesterov) {
                        sgdNesterovRange(th, gb, bb, ot, og, ob, rs[r], rs[r + 1], first, in && blasB, in && blasN, in && blasT,
                                (float) mu, (float) (1 - dampening), (float) -eta);
                    } else {
                        sgdRange(th, gb, bb, ot, og, ob, rs[r], rs[r + 1], first, in && blasB, in && blasT, (float) mu,
                                (float) (1 - dampening), (float) -eta);
                    }
                } else {
                    DoubleBuffer th = theta.data().asNioDouble();
                    DoubleBuffer gb = g.data().asNioDouble();
                    DoubleBuffer bb = buf.data().asNioDouble();
                    if (nesterov) {
                        sgdNesterovRange(th, gb, bb, ot, og, ob, rs[r], rs[r + 1], first, in && blasB, in && blasN, in && blasT, mu,
                                1 - dampening, -eta);
                    } else {
                        sgdRange(th, gb, bb, ot, og, ob, rs[r], rs[r + 1], first, in && blasB, in && blasT, mu, 1 - dampening, -eta);
                    }
                }
            }
        });
        return true;
    }

    // one method per type and form (plain momentum, Nesterov), so that no rule's choice is a branch in another rule's loop

    /** One block of SGD's momentum buffer: g into tg; b ← g (first step) or fma(1−τ, g, b·μ), into tb and written back. */
    private static void momentumBlock(FloatBuffer gb, FloatBuffer bb, int og, int ob, int len, boolean first, boolean fb, float m, float omd,
                                      float[] tg, float[] tb) {
        gb.get(og, tg, 0, len);
        if (first) {
            System.arraycopy(tg, 0, tb, 0, len);
        } else {
            bb.get(ob, tb, 0, len);
            scaleAdd(fb, tb, m, tg, omd, len);
        }
        bb.put(ob, tb, 0, len);
    }

    private static void sgdRange(FloatBuffer th, FloatBuffer gb, FloatBuffer bb, int ot, int og, int ob, int from, int to, boolean first,
                                 boolean fb, boolean ft, float m, float omd, float lr) {
        float[] tg = scratch(0);
        float[] tb = scratch(1);
        float[] tt = scratch(2);
        for (int i0 = from; i0 < to; i0 += BLOCK) {
            int len = Math.min(BLOCK, to - i0);
            momentumBlock(gb, bb, og + i0, ob + i0, len, first, fb, m, omd, tg, tb);
            th.get(ot + i0, tt, 0, len);
            scaleAdd(ft, tt, 1f, tb, lr, len);
            th.put(ot + i0, tt, 0, len);
        }
    }

    private static void sgdNesterovRange(FloatBuffer th, FloatBuffer gb, FloatBuffer bb, int ot, int og, int ob, int from, int to,
                                         boolean first, boolean fb, boolean fn, boolean ft, float m, float omd, float lr) {
        float[] tg = scratch(0);
        float[] tb = scratch(1);
        float[] tt = scratch(2);
        float[] tu = scratch(3);
        for (int i0 = from; i0 < to; i0 += BLOCK) {
            int len = Math.min(BLOCK, to - i0);
            momentumBlock(gb, bb, og + i0, ob + i0, len, first, fb, m, omd, tg, tb);
            th.get(ot + i0, tt, 0, len);
            System.arraycopy(tg, 0, tu, 0, len);
            scaleAdd(fn, tu, 1f, tb, m, len);
            scaleAdd(ft, tt, 1f, tu, lr, len);
            th.put(ot + i0, tt, 0, len);
        }
    }

    private static void sgdRange(DoubleBuffer th, DoubleBuffer gb, DoubleBuffer bb, int ot, int og, int ob, int from, int to, boolean first,
                                 boolean fb, boolean ft, double m, double omd, double lr) {
        for (int i = from; i < to; i++) {
            double gi = gb.get(og + i);
            double bi = first ? gi : axpy(fb, omd, gi, bb.get(ob + i) * m);
            bb.put(ob + i, bi);
            th.put(ot + i, axpy(ft, lr, bi, th.get(ot + i)));
        }
    }

    private static void sgdNesterovRange(DoubleBuffer th, DoubleBuffer gb, DoubleBuffer bb, int ot, int og, int ob, int from, int to,
                                         boolean first, boolean fb, boolean fn, boolean ft, double m, double omd, double lr) {
        for (int i = from; i < to; i++) {
            double gi = gb.get(og + i);
            double bi = first ? gi : axpy(fb, omd, gi, bb.get(ob + i) * m);
            bb.put(ob + i, bi);
            th.put(ot + i, axpy(ft, lr, axpy(fn, m, bi, gi), th.get(ot + i)));
        }
    }

    /** Adan's hyper-parameters and per-step scalars for {@link #adan}. */
    record AdanStep(double beta1, double beta2, double beta3, double eps, double bc3Sqrt, double stepSize, double stepSizeDiff,
                    double gradScale, double decay, boolean decays, boolean proximal) {
    }

    /**
     * Adan (official code's order, as {@link Adan}'s op-by-op form), with the gradient scaled by
     * {@code gradScale} on the fly when it is not 1 (in-optimizer clipping), d = 0 at the first step:
     * <pre>
     *   g ← g·c;  d ← g − prev (first: 0);  prev ← g
     *   m ← fma(1−β₁, g₁, m·β₁)   v ← fma(1−β₂, d, v·β₂)   u = fma(β₂, d, g);  n ← fma(1−β₃, u·u, n·β₃)
     *   update = fma(step_d, v, m·step) / (√n / √(1−β₃ᵗ) + ε)
     *   θ ← θ·(1−ηλ) − update  (noProx)   or   θ ← (θ − update) / (1+ηλ)  (proximal)
     * </pre>
     * g₁ is the gradient for m ({@code forM}, Ψ(g) under AGR's paper placement, else g itself).
     * The caller checks {@link #enabled()} (Adan decides for all tensors at once).
     */
    static boolean adan(INDArray theta, INDArray g, INDArray forM, INDArray prev, boolean first, INDArray m, INDArray v, INDArray nn,
                        AdanStep s) {
        if (!sameDenseLayout(theta, g, forM, prev, m, v, nn) || (forM != g && s.gradScale() != 1)) {
            return false;
        }
        int len = Math.toIntExact(theta.length());
        int[] ranges = AxpyRounding.ranges(theta.dataType(), len);
        if (ranges == null) {
            return false;
        }
        // the op-by-op form's axpys: m += (1−β₁)·g₁ (BLAS unless g₁ is a view); v += (1−β₂)·d, u = g + β₂·d,
        // n += (1−β₃)·u², update += step_d·v all between work buffers and state (BLAS)
        boolean blasM = AxpyRounding.blas(forM, m);
        boolean blasS = AxpyRounding.blasFromScratch(v) && AxpyRounding.blasFromScratch(nn);
        int ot = off(theta);
        int og = off(g);
        int of = off(forM);
        int op = off(prev);
        int om = off(m);
        int ov = off(v);
        int on = off(nn);
        // branch-free forms of the per-rule choices, each exact: g·1 = g (no clipping); Ψ(g) is read from its
        // own buffer, g itself from g's (times the clipping factor, which is 1 whenever Ψ(g) is separate);
        // noProx: (θ·(1−ηλ) − u)/1, proximal: (θ·1 − u)/(1+ηλ), and 1 in place of a factor that does not decay
        double mul = !s.proximal() && s.decays() ? s.decay() : 1;
        double div = s.proximal() && s.decays() ? s.decay() : 1;
        for (int r = 0; r < ranges.length; r += 3) {
            boolean in = ranges[r + 2] == 1;
            if (theta.dataType() == DataType.FLOAT) {
                adanRange(theta.data().asNioFloat(), g.data().asNioFloat(), forM.data().asNioFloat(), prev.data().asNioFloat(),
                        m.data().asNioFloat(), v.data().asNioFloat(), nn.data().asNioFloat(), ot, og, of, op, om, ov, on, ranges[r],
                        ranges[r + 1], first, in && blasM, in && blasS, (float) s.gradScale(), (float) s.beta1(), (float) (1 - s.beta1()),
                        (float) s.beta2(), (float) (1 - s.beta2()), (float) s.beta3(), (float) (1 - s.beta3()), (float) s.eps(),
                        (float) s.bc3Sqrt(), (float) s.stepSize(), (float) s.stepSizeDiff(), (float) mul, (float) div);
            } else {
                adanRange(theta.data().asNioDouble(), g.data().asNioDouble(), forM.data().asNioDouble(), prev.data().asNioDouble(),
                        m.data().asNioDouble(), v.data().asNioDouble(), nn.data().asNioDouble(), ot, og, of, op, om, ov, on, ranges[r],
                        ranges[r + 1], first, in && blasM, in && blasS, s.gradScale(), s.beta1(), 1 - s.beta1(), s.beta2(), 1 - s.beta2(),
                        s.beta3(), 1 - s.beta3(), s.eps(), s.bc3Sqrt(), s.stepSize(), s.stepSizeDiff(), mul, div);
            }
        }
        return true;
    }

    private static void adanRange(FloatBuffer th, FloatBuffer gb, FloatBuffer fb, FloatBuffer pb, FloatBuffer mb, FloatBuffer vb,
                                  FloatBuffer nb, int ot, int og, int of, int op, int om, int ov, int on, int from, int to, boolean first,
                                  boolean fm, boolean fs, float c, float b1, float omb1, float b2, float omb2, float b3, float omb3, float e,
                                  float bc3, float st, float sd, float mul, float div) {
        for (int i = from; i < to; i++) {
            float gi = gb.get(og + i) * c;
            float d = first ? 0f : gi - pb.get(op + i);
            pb.put(op + i, gi);
            float mi = axpy(fm, omb1, fb.get(of + i) * c, mb.get(om + i) * b1);
            float vi = axpy(fs, omb2, d, vb.get(ov + i) * b2);
            float u = axpy(fs, b2, d, gi);
            float ni = axpy(fs, omb3, u * u, nb.get(on + i) * b3);
            mb.put(om + i, mi);
            vb.put(ov + i, vi);
            nb.put(on + i, ni);
            float update = axpy(fs, sd, vi, mi * st) / ((float) Math.sqrt(ni) / bc3 + e);
            th.put(ot + i, (th.get(ot + i) * mul - update) / div);
        }
    }

    private static void adanRange(DoubleBuffer th, DoubleBuffer gb, DoubleBuffer fb, DoubleBuffer pb, DoubleBuffer mb, DoubleBuffer vb,
                                  DoubleBuffer nb, int ot, int og, int of, int op, int om, int ov, int on, int from, int to, boolean first,
                                  boolean fm, boolean fs, double c, double b1, double omb1, double b2, double omb2, double b3, double omb3,
                                  double e, double bc3, double st, double sd, double mul, double div) {
        for (int i = from; i < to; i++) {
            double gi = gb.get(og + i) * c;
            double d = first ? 0 : gi - pb.get(op + i);
            pb.put(op + i, gi);
            double mi = axpy(fm, omb1, fb.get(of + i) * c, mb.get(om + i) * b1);
            double vi = axpy(fs, omb2, d, vb.get(ov + i) * b2);
            double u = axpy(fs, b2, d, gi);
            double ni = axpy(fs, omb3, u * u, nb.get(on + i) * b3);
            mb.put(om + i, mi);
            vb.put(ov + i, vi);
            nb.put(on + i, ni);
            double update = axpy(fs, sd, vi, mi * st) / (Math.sqrt(ni) / bc3 + e);
            th.put(ot + i, (th.get(ot + i) * mul - update) / div);
        }
    }

    /**
     * {count, Σψ, Σ(ψ − mean)²} of ψ = 1/(√v / √(1−β₂ᵗ) + ε) over one tensor's v, ψ evaluated per
     * element with the same operations and type as the op-by-op form ({@code sqrt(v)/c + ε}, then
     * 1/·), the sums in double over two read-only passes (the mean first, then the squared
     * deviations from it). Null when v is not dense.
     */
    static double[] psiSums(INDArray v, double sqrtBc2, double eps) {
        if (!enabled() || !sameDenseLayout(v)) {
            return null;
        }
        int n = Math.toIntExact(v.length());
        int ov = off(v);
        double sum = 0;
        double m2 = 0;
        if (v.dataType() == DataType.FLOAT) {
            FloatBuffer vb = v.data().asNioFloat();
            float c = (float) sqrtBc2;
            float e = (float) eps;
            for (int i = 0; i < n; i++) {
                sum += 1f / ((float) Math.sqrt(vb.get(ov + i)) / c + e);
            }
            double mean = sum / n;
            for (int i = 0; i < n; i++) {
                double dev = 1f / ((float) Math.sqrt(vb.get(ov + i)) / c + e) - mean;
                m2 += dev * dev;
            }
        } else {
            DoubleBuffer vb = v.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                sum += 1 / (Math.sqrt(vb.get(ov + i)) / sqrtBc2 + eps);
            }
            double mean = sum / n;
            for (int i = 0; i < n; i++) {
                double dev = 1 / (Math.sqrt(vb.get(ov + i)) / sqrtBc2 + eps) - mean;
                m2 += dev * dev;
            }
        }
        return new double[] {n, sum, m2};
    }

    /**
     * Whether all arrays have the first's shape, type and dense layout: unit element stride, the
     * strides of a packed array in the same ordering (any ordering for a vector), so that element
     * i of each is at its buffer's offset + i.
     */
    static boolean sameDenseLayout(INDArray first, INDArray... others) {
        if (!dense(first) || first.length() > Integer.MAX_VALUE) {
            return false;
        }
        boolean vector = isVector(first);
        for (INDArray o : others) {
            if (o.dataType() != first.dataType() || !java.util.Arrays.equals(o.shape(), first.shape()) || !dense(o)
                    || (!vector && o.ordering() != first.ordering())) {
                return false;
            }
        }
        return first.dataType() == DataType.FLOAT || first.dataType() == DataType.DOUBLE;
    }

    private static boolean isVector(INDArray a) {
        int big = 0;
        for (long d : a.shape()) {
            if (d > 1) {
                big++;
            }
        }
        return big <= 1;
    }

    /** Packed: each non-unit dimension's stride is the product of the sizes inside it (in the array's ordering). */
    private static boolean dense(INDArray a) {
        if (a.length() == 0 || a.offset() > Integer.MAX_VALUE - a.length()) {
            return false;
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expect = 1;
        if (a.ordering() == 'c') {
            for (int k = shape.length - 1; k >= 0; k--) {
                if (shape[k] != 1 && stride[k] != expect) {
                    return false;
                }
                expect *= shape[k];
            }
        } else {
            for (int k = 0; k < shape.length; k++) {
                if (shape[k] != 1 && stride[k] != expect) {
                    return false;
                }
                expect *= shape[k];
            }
        }
        // asNio* views the whole underlying buffer from its start: element i is at offset + i
        return a.data().asNio().capacity() / a.dataType().width() >= a.offset() + a.length();
    }

    private static int off(INDArray a) {
        return (int) a.offset();
    }
}
