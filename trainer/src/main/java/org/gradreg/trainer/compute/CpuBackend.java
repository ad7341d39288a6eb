package org.gradreg.trainer.compute;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The host backend: ND4J arrays on ND4J's CPU backend (nd4j-native), dense products as direct cblas
 * calls on the arrays' memory ({@link Blas}), convolutions as im2col (plain Java loops, {@link Im2col})
 * plus one cblas GEMM per example (per group of examples on small planes, {@link ConvGroups}), interleaved block by block
 * ({@link #interleaved()}), the rest as ND4J element-wise, broadcast and reduction ops. A mirror is the host array
 * itself, so uploads and downloads cost nothing. The sequences of ND4J calls are exactly those of
 * the engines before the backend seam existed, so results are bit-identical to theirs, except
 * where {@link HostKernels} runs a step as a Java loop over the arrays' memory (GELU, the softmax
 * forward and the dropout mask bit-identically, FLOAT's erff/expf from {@link Libm}; layer norm and
 * the softmax backward with row sums in double) and where convolutions on small planes are grouped.
 */
public final class CpuBackend implements Backend {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final DataType type;
    /** Column buffer and kernel-matrix scratch shared by all convolutions, grown to the largest asked for. */
    private DataBuffer cols;
    private DataBuffer wt;
    private DataBuffer dwt;
    /** The Winograd path's kernel transforms and buffers. */
    private final Winograd winograd = new Winograd();
    /** Whether FLOAT 3×3 stride-1 convolutions take the Winograd path (the run's model.conv; without a run, {@code -Dgradreg.conv}). */
    private boolean useWinograd = Winograd.enabled();
    /** The grouped convolutions' per-thread group matrices and the regrouped output gradient ({@link ConvGroups}). */
    private DataBuffer grp;
    private DataBuffer dyg;

    public CpuBackend(DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("the CPU backend computes in FLOAT or DOUBLE, not " + type);
        }
        this.type = type;
    }

    /**
     * Has the JIT compile the FLOAT kernels on a background thread while the caller loads its data
     * (once per process; see HostKernels' warm-up). Changes no result.
     */
    public static void warmUpInBackground() {
        HostKernels.warmUpInBackground();
    }

    /** {@link #warmUpInBackground()}, and the Winograd path's transforms when the run's convolutions are {@code winograd}. */
    public static void warmUpInBackground(String convolutions) {
        warmUpInBackground();
        if ("winograd".equals(convolutions)) {
            Winograd.warmUpInBackground();
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean CNN_WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * {@link #warmUpInBackground(String)}, and for a model with convolutions, once per process, a daemon
     * thread that runs the batch-norm and max-pool loops on small private arrays (at most 1.5 s), so that
     * the JIT compiles them while the data loads rather than during the first steps (issue 20: with two
     * threads on two cores the compiler threads take their CPU from the steps'). No result changes;
     * {@code -Dgradreg.warmUp=false} switches every warm-up off.
     */
    public static void warmUpInBackground(String convolutions, boolean convolutional) {
        warmUpInBackground(convolutions);
        if (convolutional) {
            WarmUp.start(CNN_WARMING, "gradreg-cnn-warm-up", () -> {
                long deadline = System.nanoTime() + 1_500_000_000L;
                BatchNormKernels.warmUp(400, deadline);
                MaxPoolKernels.warmUp(400, deadline);
            });
        }
    }

    /** Frees the convolution scratch. */
    @Override
    public void close() {
        for (DataBuffer b : new DataBuffer[] {cols, wt, dwt, grp, dyg}) {
            if (b != null) {
                b.close();
            }
        }
        cols = null;
        wt = null;
        dwt = null;
        grp = null;
        dyg = null;
        winograd.close();
    }

    /** The ND4J array of a CPU tensor. */
    public static INDArray array(Tensor t) {
        return ((CpuTensor) t).a;
    }

    private static INDArray a(Tensor t) {
        return ((CpuTensor) t).a;
    }

    /**
     * Sets OpenBLAS's thread count for this process (the trainer's {@code --threads}); the
     * convolutions lower it to one while they run and it comes back by itself ({@link Blas#oneThread}).
     */
    public static void blasThreads(int n) {
        Blas.setThreads(n);
    }

    /** A CPU tensor over an existing array (no copy). */
    public static Tensor wrap(INDArray a) {
        return new CpuTensor(a);
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public String describe() {
        return "cpu (nd4j-native, OpenBLAS, " + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    // ---- memory ----

    @Override
    public Tensor create(long... shape) {
        return new CpuTensor(Nd4j.create(type, shape));
    }

    @Override
    public void free(Tensor t) {
        a(t).close();
    }

    @Override
    public Tensor mirror(INDArray host) {
        return new CpuTensor(host);
    }

    @Override
    public void upload(INDArray host, Tensor dst) {
        INDArray d = a(dst);
        if (d != host) {
            d.assign(host.reshape(d.shape()));
        }
    }

    @Override
    public void download(Tensor src, INDArray host) {
        Blas.restoreThreads(); // an evaluation ends with downloads: what runs next (optim's BLAS calls) gets OpenBLAS's count
        INDArray s = a(src);
        if (s != host) {
            host.assign(s.reshape(host.shape()));
        }
    }

    /** The host's memory. */
    @Override
    public org.gradreg.optim.MemoryProbe memory() {
        return org.gradreg.optim.MemoryProbe.host();
    }

    // ---- dense algebra ----

    @Override
    public void gemm(Tensor x, boolean ta, Tensor y, boolean tb, Tensor c, double alpha, double beta) {
        Blas.gemm(a(x), ta, a(y), tb, a(c), alpha, beta);
    }

    @Override
    public void addRowVector(Tensor y, Tensor bias) {
        INDArray b = a(bias);
        if (HostKernels.dense(a(y), b) && a(y).rank() == 2 && b.length() == a(y).size(1)) {
            HostKernels.addRowVector(a(y), b);
            return;
        }
        a(y).addiRowVector(b.rank() == 2 ? b : b.reshape(1, b.length()));
    }

    @Override
    public void addColumnSums(Tensor x, Tensor out) {
        Blas.addColumnSums(a(x), a(out));
    }

    @Override
    public void headsABt(Tensor x, Tensor y, Tensor s, double alpha, int batch, int heads, int tokens, int dh) {
        Blas.headsABt(a(x), a(y), a(s), alpha, batch, heads, tokens, dh);
    }

    @Override
    public void headsPB(Tensor p, Tensor y, Tensor c, double alpha, boolean transP, int batch, int heads, int tokens, int dh) {
        Blas.headsPB(a(p), a(y), a(c), alpha, transP, batch, heads, tokens, dh);
    }

    // ---- element-wise ----

    @Override
    public void copy(Tensor src, Tensor dst) {
        a(dst).assign(a(src));
    }

    @Override
    public void add(Tensor x, Tensor y, Tensor out) {
        if (HostKernels.sameLength(a(x), a(y), a(out))) {
            HostKernels.combine(a(x), a(y), a(out), false);
            return;
        }
        a(x).add(a(y), a(out));
    }

    @Override
    public void addInPlace(Tensor y, Tensor x) {
        if (HostKernels.sameLength(a(y), a(x))) {
            HostKernels.combine(a(y), a(x), a(y), false);
            return;
        }
        a(y).addi(a(x));
    }

    @Override
    public void multiplyInPlace(Tensor x, Tensor mask) {
        INDArray m = a(mask);
        INDArray v = a(x);
        if (HostKernels.sameLength(v, m)) {
            HostKernels.combine(v, m, v, true);
            return;
        }
        v.muli(java.util.Arrays.equals(m.shape(), v.shape()) ? m : m.reshape(v.shape()));
    }

    @Override
    public void zero(Tensor x) {
        INDArray v = a(x);
        if (HostKernels.dense(v) && v.offset() == 0 && !v.isView()) {
            // one memset instead of an ND4J op (~30 µs a call, 72 calls a small-ViT step); whole arrays
            // only: a view's buffer address already includes its offset (ZeroTest)
            org.bytedeco.javacpp.Pointer.memset(v.data().addressPointer(), 0, v.length() * v.dataType().width());
            return;
        }
        a(x).assign(0);
    }

    @Override
    public void dropoutMask(Tensor mask, double rate, long seed) {
        INDArray m = a(mask);
        if (HostKernels.dense(m)) {
            HostKernels.dropoutMask(m, rate, seed);
            return;
        }
        long n = m.length();
        double keep = 1 / (1 - rate);
        if (type == DataType.DOUBLE) {
            double[] v = new double[Math.toIntExact(n)];
            for (int i = 0; i < v.length; i++) {
                v[i] = DropoutHash.dropped(seed, i, rate) ? 0 : keep;
            }
            m.assign(Nd4j.createFromArray(v).reshape(m.shape()));
        } else {
            float[] v = new float[Math.toIntExact(n)];
            float k = (float) keep;
            for (int i = 0; i < v.length; i++) {
                v[i] = DropoutHash.dropped(seed, i, rate) ? 0f : k;
            }
            m.assign(Nd4j.createFromArray(v).reshape(m.shape()));
        }
    }

    // ---- transformer layers ----

    @Override
    public void layerNormForward(Tensor xt, Tensor gammaT, Tensor betaT, double eps, Tensor xhatT, Tensor rstdT, Tensor yt) {
        INDArray x = a(xt);
        if (HostKernels.dense(x, a(gammaT), a(betaT), a(xhatT), a(rstdT), a(yt))) {
            HostKernels.layerNormForward(x, a(gammaT), a(betaT), eps, a(xhatT), a(rstdT), a(yt));
            return;
        }
        INDArray xhat = a(xhatT);
        INDArray mu = x.mean(true, 1);
        xhat.assign(x).subiColumnVector(mu);
        INDArray var = xhat.var(false, 1).reshape(x.size(0), 1); // biased: mean of squares of the centred rows
        INDArray rstd = Transforms.pow(var.addi(eps), -0.5, false);
        xhat.muliColumnVector(rstd);
        a(yt).assign(xhat).muliRowVector(a(gammaT)).addiRowVector(a(betaT));
        a(rstdT).assign(rstd);
        mu.close();
        rstd.close();
    }

    @Override
    public void layerNormBackward(Tensor dyT, Tensor xhatT, Tensor rstdT, Tensor gammaT, Tensor dgamma, Tensor dbeta, Tensor dxT,
                                  Tensor scratchT) {
        INDArray dy = a(dyT);
        INDArray xhat = a(xhatT);
        INDArray gamma = a(gammaT);
        INDArray scratch = a(scratchT);
        if (HostKernels.dense(dy, xhat, a(rstdT), gamma, a(dgamma), a(dbeta), a(dxT))) {
            HostKernels.layerNormBackward(dy, xhat, a(rstdT), gamma, a(dgamma), a(dbeta), a(dxT));
            return;
        }
        double d = dy.size(1);
        INDArray t = scratch.assign(dy).muli(xhat);
        Blas.addColumnSums(t, a(dgamma));
        Blas.addColumnSums(dy, a(dbeta));
        INDArray m1 = Nd4j.create(dy.dataType(), dy.size(0), 1);
        INDArray m2 = m1.ulike();
        Blas.gemm(dy, false, gamma, true, m1, 1 / d, 0.0);
        Blas.gemm(t, false, gamma, true, m2, 1 / d, 0.0);
        scratch.assign(xhat).muliColumnVector(m2);
        a(dxT).assign(dy).muliRowVector(gamma).subi(scratch).subiColumnVector(m1).muliColumnVector(a(rstdT));
        m1.close();
        m2.close();
    }

    @Override
    public void geluForward(Tensor xt, Tensor cdfT, Tensor yt) {
        INDArray x = a(xt);
        INDArray cdf = a(cdfT);
        if (type == DataType.FLOAT && Libm.enabled() && HostKernels.dense(x, cdf, a(yt))) {
            HostKernels.geluForwardFused(x, cdf, a(yt)); // one pass, ND4J's erff reproduced in Java (Libm)
            return;
        }
        if (HostKernels.dense(x, cdf, a(yt))) {
            // the same operations per element in one pass each side of ND4J's erf
            HostKernels.geluScaleInput(x, cdf);
            Nd4j.exec(new Erf(cdf, cdf));
            HostKernels.geluFinish(x, cdf, a(yt));
            return;
        }
        cdf.assign(x).muli(INV_SQRT2);
        Nd4j.exec(new Erf(cdf, cdf));
        cdf.addi(1.0).muli(0.5);
        a(yt).assign(x).muli(cdf);
    }

    @Override
    public void geluBackward(Tensor xt, Tensor cdfT, Tensor dyT, Tensor scratchT) {
        INDArray x = a(xt);
        INDArray tmp = a(scratchT);
        if (type == DataType.FLOAT && Libm.enabled() && HostKernels.dense(x, a(cdfT), a(dyT))) {
            HostKernels.geluBackwardFused(x, a(cdfT), a(dyT)); // one pass, ND4J's expf reproduced in Java (Libm)
            return;
        }
        if (HostKernels.dense(x, a(cdfT), a(dyT), tmp)) {
            HostKernels.geluBackwardExponent(x, tmp);
            Transforms.exp(tmp, false);
            HostKernels.geluBackwardFinish(x, a(cdfT), tmp, a(dyT));
            return;
        }
        tmp.assign(x).muli(x).muli(-0.5);
        Transforms.exp(tmp, false);
        tmp.muli(INV_SQRT_2PI).muli(x).addi(a(cdfT));
        a(dyT).muli(tmp);
    }

    @Override
    public void softmaxRows(Tensor s, int cols) {
        if (type == DataType.FLOAT && Libm.enabled() && HostKernels.dense(a(s))) {
            HostKernels.softmaxRowsFloat(a(s), cols); // ND4J's SoftMax op's arithmetic in one pass (expf from Libm)
            return;
        }
        INDArray p2 = a(s).reshape(a(s).length() / cols, cols);
        Nd4j.exec(new SoftMax(p2, p2, 1));
    }

    @Override
    public void softmaxBackward(Tensor dpT, Tensor pT, Tensor scratchT, int cols) {
        if (HostKernels.dense(a(dpT), a(pT))) {
            HostKernels.softmaxBackward(a(dpT), a(pT), cols);
            return;
        }
        long rows = a(dpT).length() / cols;
        INDArray dp2 = a(dpT).reshape(rows, cols);
        INDArray p2 = a(pT).reshape(rows, cols);
        INDArray r = a(scratchT).reshape(dp2.shape()).assign(dp2).muli(p2).sum(true, 1);
        dp2.subiColumnVector(r).muli(p2);
        r.close();
    }

    @Override
    public double crossEntropy(Tensor logitsT, Tensor targetT, Tensor dlogits) {
        INDArray logits = a(logitsT);
        INDArray target = a(targetT);
        long b = logits.size(0);
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray e = Transforms.exp(shifted, true);
        INDArray sum = e.sum(true, 1);
        INDArray logp = shifted.subiColumnVector(Transforms.log(sum, true));
        double loss = -logp.muli(target).sumNumber().doubleValue() / b;
        if (dlogits != null) {
            a(dlogits).assign(e.diviColumnVector(sum)).subi(target).divi(b);
        }
        return loss;
    }

    @Override
    public void tokenEmbedding(Tensor x, Tensor pos, Tensor cls, Tensor bias, Tensor termT, int batch, int tokens, int dim) {
        INDArray term = a(termT);
        term.assign(a(pos));
        term.getRow(0).addi(a(cls).reshape(dim));
        if (tokens > 1) {
            term.get(NDArrayIndex.interval(1, tokens), NDArrayIndex.all()).addiRowVector(a(bias));
        }
        a(x).reshape(batch, (long) tokens * dim).addiRowVector(term.reshape(1, (long) tokens * dim));
    }

    @Override
    public void tokenEmbeddingBackward(Tensor dx, Tensor dpos, Tensor dcls, Tensor dbias, int batch, int tokens, int dim) {
        INDArray dterm = a(dx).reshape(batch, (long) tokens * dim).sum(0).reshape(tokens, dim);
        a(dpos).addi(dterm);
        a(dcls).addi(dterm.getRow(0).reshape(1, dim));
        if (tokens > 1) {
            a(dbias).addi(dterm.get(NDArrayIndex.interval(1, tokens), NDArrayIndex.all()).sum(true, 0));
        }
    }

    @Override
    public void gatherFirstTokens(Tensor x, Tensor out, int batch, int tokens, int dim) {
        a(out).assign(a(x).reshape(batch, (long) tokens * dim).get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim)));
    }

    @Override
    public void scatterFirstTokens(Tensor d, Tensor dxT, int batch, int tokens, int dim) {
        INDArray dx = a(dxT);
        dx.assign(0);
        dx.reshape(batch, (long) tokens * dim).get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim)).assign(a(d));
    }

    // ---- convolutional layers ----

    private DataBuffer scratch(DataBuffer have, long n) {
        if (have != null && have.length() >= n) {
            return have;
        }
        if (have != null) {
            have.close();
        }
        return Nd4j.createBuffer(type, Math.max(1, n), false);
    }

    /** The example-by-example column matrices of x and the kernel as an [out, in·k·k] matrix, in the shared scratch. */
    private INDArray[] columns(ConvShape s, INDArray x, INDArray w) {
        long kk = s.columnRows();
        long pp = s.positions();
        cols = scratch(cols, s.batch() * kk * pp);
        INDArray c = Nd4j.create(cols, new long[] {s.batch(), s.in(), s.k(), s.k(), s.outHeight(), s.outWidth()});
        INDArray w2 = kernelMatrix(s, w);
        if (Im2col.applies(s, x)) {
            Im2col.im2col(s, x, cols);
        } else {
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(c)
                    .addIntegerArguments(s.k(), s.k(), s.stride(), s.stride(), s.pad(), s.pad(), 1, 1, 0).addFloatingPointArguments(0.0).build());
        }
        return new INDArray[] {c, w2};
    }

    /**
     * Whether convolutions run example-parallel (default; {@code -Dgradreg.convInterleaved=false}
     * selects the whole-batch path, the fallback for arrays that are views): each thread of the cap
     * takes a share of the examples and, one example at a time, builds its column matrix in the
     * thread's own slot of the column buffer and runs that example's GEMMs on it, so the columns
     * stay in cache and the threads never wait on each other inside a layer (issue 20; before,
     * one GEMM at a time on OpenBLAS's threads: a second thread made cnn-small slower).
     */
    static boolean interleaved() {
        return !"false".equals(System.getProperty("gradreg.convInterleaved"));
    }

    /** Threads of the example-parallel convolution: ND4J's thread cap ({@code --threads}), at most one per example. */
    static int threads(ConvShape s) {
        return Math.max(1, Math.min(s.batch(), Nd4j.getEnvironment().maxMasterThreads()));
    }

    /**
     * The number of column ranges of the weight gradient dWt [out, in·k·k]: the largest power of two
     * ≤ 8 leaving ≥ 128 columns in each (narrower GEMMs cost more than they share out: 32 columns
     * made cnn-small's 1-thread step 18% slower). A function of the shape only, never of the thread count:
     * each range is its own GEMM, and a GEMM's rounding depends on its shape (OpenBLAS's kernels
     * treat edge tiles differently), so the ranges, not the threads, fix every bit of the result.
     */
    static int weightRanges(ConvShape s) {
        long kk = s.columnRows();
        int g = 1;
        while (g < 8 && kk / (2L * g) >= 128) {
            g *= 2;
        }
        return g;
    }

    /**
     * Runs part(t) for t in [0, threads) on the fork-join pool with OpenBLAS at one thread (every
     * GEMM inside is one thread's, so its rounding does not depend on OpenBLAS's thread count);
     * OpenBLAS's own count is put back lazily, by the next GEMM outside the convolutions or the end
     * of the evaluation ({@link Blas#oneThread}).
     */
    private static void oneBlasThreadEach(int threads, java.util.function.IntConsumer part) {
        Blas.oneThread();
        Im2col.each(threads, part);
    }

    /** The start of part t of n items split into {@code parts} contiguous parts in order. */
    private static int lo(int n, int t, int parts) {
        return (int) ((long) n * t / parts);
    }

    private static void contiguous(INDArray a) {
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("the convolution needs contiguous 'c'-order outputs and gradients, got " + a.shapeInfoToString());
        }
    }

    private static boolean whole(INDArray a) {
        return a.offset() == 0 && a.ordering() == 'c' && !a.isView() && a.elementWiseStride() == 1;
    }

    /**
     * The kernel matrix, with the column buffer made ready for the path: one slot per thread
     * (example-parallel: each thread builds its examples' columns itself) or every example's
     * columns built here (whole batch; {@code out}, the output or output gradient, must be contiguous).
     */
    private INDArray kernelAndColumns(ConvShape s, INDArray x, INDArray w, INDArray out, boolean parallel, int threads) {
        if (parallel) {
            cols = scratch(cols, (long) threads * s.columnRows() * s.positions());
            return kernelMatrix(s, w);
        }
        contiguous(out);
        return columns(s, x, w)[1];
    }

    /** The kernel as an [out, in·k·k] matrix in the shared scratch. */
    private INDArray kernelMatrix(ConvShape s, INDArray w) {
        wt = scratch(wt, (long) s.out() * s.columnRows());
        INDArray w2 = Nd4j.create(wt, new long[] {s.out(), s.in(), s.k(), s.k()});
        w2.assign(w.permute(3, 2, 0, 1)); // [out, in, k, k]: rows of the kernel matrix in the columns' order
        return w2;
    }

    @Override
    public void conv2d(ConvShape s, Tensor x, Tensor w, Tensor y) {
        INDArray xa = a(x);
        INDArray ya = a(y);
        if (useWinograd && Winograd.applies(s, xa, a(w), ya) && whole(ya)) {
            winograd.forward(s, xa, a(w), ya);
            return;
        }
        int g = ConvGroups.group(s);
        if (g > 1) {
            conv2dGrouped(s, xa, a(w), ya, g);
            return;
        }
        int kk = (int) s.columnRows();
        int pp = (int) s.positions();
        boolean dbl = type == DataType.DOUBLE;
        int n = s.batch();
        if (interleaved() && Im2col.applies(s, xa) && whole(ya)) {
            // example-parallel: y[i] = Wt [out, K] · cols[i] [K, P], cols[i] in the thread's slot
            int threads = threads(s);
            cols = scratch(cols, (long) threads * kk * pp);
            INDArray w2 = kernelMatrix(s, a(w));
            Pointer pw = w2.data().addressPointer();
            Pointer pc = cols.addressPointer();
            Pointer py = ya.data().addressPointer();
            DataBuffer cb = cols;
            oneBlasThreadEach(threads, t -> {
                for (int i = lo(n, t, threads); i < lo(n, t + 1, threads); i++) {
                    Im2col.im2colOne(s, xa, cb, i, t);
                    Blas.call(dbl, NT, NT, s.out(), pp, kk, 1.0, pw, 0, kk, pc, (long) t * kk * pp, pp, 0.0, py, (long) i * s.out() * pp, pp);
                }
            });
            return;
        }
        contiguous(ya);
        INDArray[] cw = columns(s, xa, a(w));
        Pointer pw = cw[1].data().addressPointer();
        Pointer pc = cols.addressPointer();
        Pointer py = ya.data().addressPointer();
        long yo = ya.offset();
        oneBlasThreadEach(1, t -> {
            for (int i = 0; i < n; i++) {
                Blas.call(dbl, NT, NT, s.out(), pp, kk, 1.0, pw, 0, kk, pc, (long) i * kk * pp, pp, 0.0, py, yo + (long) i * s.out() * pp, pp);
            }
        });
    }

    /**
     * Backward. Input gradient: per example, dcols[i] = Wtᵀ·dY[i], summed back onto the image
     * (example-parallel: each example on one thread, in its slot). Weight gradient: dWt = Σ_i
     * dY[i]·cols[i]ᵀ, computed as {@link #weightRanges} GEMMs per example, one per range of dWt's
     * columns (rows (c, ki, kj) of the column matrices), each summing over the examples in order
     * (β = 0 for the first); example-parallel, thread t takes a contiguous share of the ranges and
     * builds only those rows of each example's columns. Every bit of the result is therefore the
     * same on both paths and at every thread count (ConvolutionTest).
     */
    @Override
    public void conv2dBackward(ConvShape s, Tensor x, Tensor w, Tensor dyT, Tensor dw, Tensor dxT) {
        INDArray xa = a(x);
        INDArray dy = a(dyT);
        INDArray dx = dxT == null ? null : a(dxT);
        if (useWinograd && Winograd.applies(s, xa, a(w), dy, a(dw), dx)) {
            winograd.backward(s, xa, a(w), dy, a(dw), dx);
            return;
        }
        int group = ConvGroups.group(s);
        if (group > 1) {
            conv2dBackwardGrouped(s, xa, a(w), dy, a(dw), dx, group);
            return;
        }
        int kk = (int) s.columnRows();
        int pp = (int) s.positions();
        int cout = s.out();
        int n = s.batch();
        int ranges = weightRanges(s);
        boolean dbl = type == DataType.DOUBLE;
        boolean parallel = interleaved() && Im2col.applies(s, xa) && whole(dy) && (dx == null || Im2col.applies(s, dx));
        int threads = parallel ? threads(s) : 1;
        INDArray w2 = kernelAndColumns(s, xa, a(w), dy, parallel, threads);
        dwt = scratch(dwt, (long) cout * kk);
        INDArray dw2 = Nd4j.create(dwt, new long[] {cout, s.in(), s.k(), s.k()});
        Pointer pw = w2.data().addressPointer();
        Pointer pdw = dw2.data().addressPointer();
        Pointer pc = cols.addressPointer();
        Pointer pdy = dy.data().addressPointer();
        long dyo = dy.offset();
        DataBuffer cb = cols;
        oneBlasThreadEach(threads, t -> {
            long slot = (long) t * kk * pp;
            int g0 = lo(ranges, t, threads);
            int g1 = lo(ranges, t + 1, threads);
            if (g1 > g0) {
                int r0 = lo(kk, g0, ranges);
                int r1 = lo(kk, g1, ranges);
                for (int i = 0; i < n; i++) {
                    long at = parallel ? slot - (long) r0 * pp : (long) i * kk * pp; // where row 0 of example i's columns would be
                    if (parallel && r1 - r0 == kk) {
                        Im2col.im2colOne(s, xa, cb, i, t); // all rows: the whole-example im2col (its same-padding fast path)
                    } else if (parallel) {
                        Im2col.im2colRows(s, xa, cb, i, r0, r1, slot);
                    }
                    for (int g = g0; g < g1; g++) {
                        int c0 = lo(kk, g, ranges);
                        int c1 = lo(kk, g + 1, ranges);
                        // dWt[:, c0:c1] += dY[i] [out, P] · cols[i][c0:c1]ᵀ
                        Blas.call(dbl, NT, TR, cout, c1 - c0, pp, 1.0, pdy, dyo + (long) i * cout * pp, pp, pc, at + (long) c0 * pp, pp,
                                i > 0 ? 1.0 : 0.0, pdw, c0, kk);
                    }
                }
            }
            if (parallel && dx != null) {
                for (int i = lo(n, t, threads); i < lo(n, t + 1, threads); i++) {
                    // dcols[i] = Wtᵀ · dY[i] in this thread's slot, then summed back onto the image
                    Blas.call(dbl, TR, NT, kk, pp, cout, 1.0, pw, 0, kk, pdy, (long) i * cout * pp, pp, 0.0, pc, slot, pp);
                    Im2col.col2imOne(s, cb, dx, i, t);
                }
            }
        });
        a(dw).assign(dw2.permute(2, 3, 1, 0));
        if (!parallel && dx != null) {
            // whole batch: dcols[i] = Wtᵀ · dY[i] over the column buffer, then summed back onto the image
            oneBlasThreadEach(1, t -> {
                for (int i = 0; i < n; i++) {
                    Blas.call(dbl, TR, NT, kk, pp, cout, 1.0, pw, 0, kk, pdy, dyo + (long) i * cout * pp, pp, 0.0, pc, (long) i * kk * pp, pp);
                }
            });
            if (Im2col.applies(s, dx)) {
                Im2col.col2im(s, cols, dx);
            } else {
                INDArray c = Nd4j.create(cols, new long[] {s.batch(), s.in(), s.k(), s.k(), s.outHeight(), s.outWidth()});
                Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(c).addOutputs(dx.assign(0))
                        .addIntegerArguments(s.stride(), s.stride(), s.pad(), s.pad(), s.height(), s.width(), 1, 1, 0).build());
            }
        }
    }

    /**
     * The forward with {@link ConvGroups#group} examples per GEMM: per group, the examples' column
     * matrices side by side ([K, m·P], m ≤ g examples), Y_group [out, m·P] = Wt · columns, then each
     * example's [out, P] block copied to y. Groups are split over threads (example-parallel path) or
     * run in order on the caller (whole-batch path, columns from the shared buffer); the GEMMs and
     * their shapes are the same on both, so are the bits.
     */
    private void conv2dGrouped(ConvShape s, INDArray xa, INDArray w, INDArray ya, int g) {
        int kk = (int) s.columnRows();
        int pp = (int) s.positions();
        int cout = s.out();
        int n = s.batch();
        int groups = ConvGroups.count(n, g);
        boolean dbl = type == DataType.DOUBLE;
        boolean parallel = interleaved() && Im2col.applies(s, xa) && whole(ya);
        int threads = parallel ? Math.min(threads(s), groups) : 1;
        INDArray w2 = kernelAndColumns(s, xa, w, ya, parallel, threads);
        long region = (long) (kk + cout) * g * pp;
        grp = scratch(grp, threads * region);
        Pointer pw = w2.data().addressPointer();
        Pointer pg = grp.addressPointer();
        DataBuffer cb = cols;
        DataBuffer gb = grp;
        DataBuffer yb = ya.data();
        long yo = ya.offset();
        oneBlasThreadEach(threads, t -> {
            long gc = t * region;
            long gy = gc + (long) kk * g * pp;
            for (int j = lo(groups, t, threads); j < lo(groups, t + 1, threads); j++) {
                int e0 = j * g;
                int m = Math.min(n, e0 + g) - e0;
                int ld = m * pp;
                for (int e = 0; e < m; e++) {
                    long src = (long) (e0 + e) * kk * pp;
                    if (parallel) {
                        Im2col.im2colOne(s, xa, cb, e0 + e, t);
                        src = (long) t * kk * pp;
                    }
                    ConvGroups.copy(type, cb, src, pp, gb, gc + (long) e * pp, ld, kk, pp);
                }
                Blas.call(dbl, NT, NT, cout, ld, kk, 1.0, pw, 0, kk, pg, gc, ld, 0.0, pg, gy, ld);
                for (int e = 0; e < m; e++) {
                    ConvGroups.copy(type, gb, gy + (long) e * pp, ld, yb, yo + (long) (e0 + e) * cout * pp, pp, cout, pp);
                }
            }
        });
    }

    /**
     * The backward with {@link ConvGroups#group} examples per GEMM. dY is first regrouped (group j
     * as [out, m·P]); the weight gradient is, per column range of dWt (as {@link #conv2dBackward}),
     * one GEMM per group, dWt[:, c0:c1] (+)= dY_j · columns_j[c0:c1]ᵀ, groups in order (β = 0 for
     * the first); the input gradient per group dcols_j = Wtᵀ · dY_j, each example's [K, P] block
     * then summed back onto its image. Ranges and groups are functions of the shape, so no bit
     * depends on the thread count or the path.
     */
    private void conv2dBackwardGrouped(ConvShape s, INDArray xa, INDArray w, INDArray dy, INDArray dwa, INDArray dx, int g) {
        int kk = (int) s.columnRows();
        int pp = (int) s.positions();
        int cout = s.out();
        int n = s.batch();
        int groups = ConvGroups.count(n, g);
        int ranges = weightRanges(s);
        boolean dbl = type == DataType.DOUBLE;
        boolean parallel = interleaved() && Im2col.applies(s, xa) && whole(dy) && (dx == null || Im2col.applies(s, dx));
        int threads = parallel ? threads(s) : 1;
        INDArray w2 = kernelAndColumns(s, xa, w, dy, parallel, threads);
        dwt = scratch(dwt, (long) cout * kk);
        INDArray dw2 = Nd4j.create(dwt, new long[] {cout, s.in(), s.k(), s.k()});
        long region = (long) kk * g * pp;
        grp = scratch(grp, threads * region);
        dyg = scratch(dyg, (long) n * cout * pp);
        DataBuffer cb = cols;
        DataBuffer gb = grp;
        DataBuffer db = dyg;
        DataBuffer dyb = dy.data();
        long dyo = dy.offset();
        // dY regrouped: group j from element j·g·out·P on, as [out, m·P] (a copy: the same bits)
        Im2col.each(groups, j -> {
            int e0 = j * g;
            int m = Math.min(n, e0 + g) - e0;
            for (int e = 0; e < m; e++) {
                ConvGroups.copy(type, dyb, dyo + (long) (e0 + e) * cout * pp, pp, db, (long) j * g * cout * pp + (long) e * pp, m * pp, cout, pp);
            }
        });
        Pointer pw = w2.data().addressPointer();
        Pointer pdw = dw2.data().addressPointer();
        Pointer pg = grp.addressPointer();
        Pointer pdy = dyg.addressPointer();
        oneBlasThreadEach(threads, t -> {
            long gc = t * region;
            long slot = (long) t * kk * pp;
            int g0 = lo(ranges, t, threads);
            int g1 = lo(ranges, t + 1, threads);
            if (g1 > g0) {
                int r0 = lo(kk, g0, ranges);
                int r1 = lo(kk, g1, ranges);
                int rows = r1 - r0;
                for (int j = 0; j < groups; j++) {
                    int e0 = j * g;
                    int m = Math.min(n, e0 + g) - e0;
                    int ld = m * pp;
                    for (int e = 0; e < m; e++) {
                        long src = (long) (e0 + e) * kk * pp + (long) r0 * pp;
                        if (parallel && rows == kk) {
                            Im2col.im2colOne(s, xa, cb, e0 + e, t); // all rows: the whole-example im2col (its same-padding fast path)
                            src = slot;
                        } else if (parallel) {
                            Im2col.im2colRows(s, xa, cb, e0 + e, r0, r1, slot);
                            src = slot;
                        }
                        ConvGroups.copy(type, cb, src, pp, gb, gc + (long) e * pp, ld, rows, pp);
                    }
                    for (int q = g0; q < g1; q++) {
                        int c0 = lo(kk, q, ranges);
                        int c1 = lo(kk, q + 1, ranges);
                        // dWt[:, c0:c1] += dY_j [out, m·P] · columns_j[c0:c1]ᵀ
                        Blas.call(dbl, NT, TR, cout, c1 - c0, ld, 1.0, pdy, (long) j * g * cout * pp, ld, pg, gc + (long) (c0 - r0) * ld, ld,
                                j > 0 ? 1.0 : 0.0, pdw, c0, kk);
                    }
                }
            }
            if (dx != null) {
                int j0 = parallel ? lo(groups, t, threads) : 0;
                int j1 = parallel ? lo(groups, t + 1, threads) : groups;
                for (int j = j0; j < j1; j++) {
                    int e0 = j * g;
                    int m = Math.min(n, e0 + g) - e0;
                    int ld = m * pp;
                    // dcols_j [K, m·P] = Wtᵀ · dY_j, then each example's block summed back onto its image
                    Blas.call(dbl, TR, NT, kk, ld, cout, 1.0, pw, 0, kk, pdy, (long) j * g * cout * pp, ld, 0.0, pg, gc, ld);
                    for (int e = 0; e < m; e++) {
                        if (parallel) {
                            ConvGroups.copy(type, gb, gc + (long) e * pp, ld, cb, slot, pp, kk, pp);
                            Im2col.col2imOne(s, cb, dx, e0 + e, t);
                        } else {
                            ConvGroups.copy(type, gb, gc + (long) e * pp, ld, cb, (long) (e0 + e) * kk * pp, pp, kk, pp);
                        }
                    }
                }
            }
        });
        dwa.assign(dw2.permute(2, 3, 1, 0));
        if (!parallel && dx != null) {
            if (Im2col.applies(s, dx)) {
                Im2col.col2im(s, cols, dx);
            } else {
                INDArray c = Nd4j.create(cols, new long[] {s.batch(), s.in(), s.k(), s.k(), s.outHeight(), s.outWidth()});
                Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(c).addOutputs(dx.assign(0))
                        .addIntegerArguments(s.stride(), s.stride(), s.pad(), s.pad(), s.height(), s.width(), 1, 1, 0).build());
            }
        }
    }

    private static final int NT = org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
    private static final int TR = org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

    @Override
    public void convolutions(String algorithm) {
        switch (algorithm) {
            case "im2col" -> useWinograd = false;
            case "winograd" -> useWinograd = true;
            default -> throw new IllegalArgumentException("convolutions are im2col or winograd, got '" + algorithm + "'");
        }
    }

    @Override
    public long convWorkspaceBytes(ConvShape s) {
        if (useWinograd && type == DataType.FLOAT && Winograd.applies(s)) { // no column buffer for this shape
            return Winograd.workspaceBytes(s, Math.max(1, Nd4j.getEnvironment().maxMasterThreads()));
        }
        long bytes = s.batch() * s.columnRows() * s.positions() + 2L * s.out() * s.columnRows();
        int g = ConvGroups.group(s);
        if (g > 1) { // per-thread group matrices and the regrouped output gradient
            bytes += (long) Math.max(1, Nd4j.getEnvironment().maxMasterThreads()) * (s.columnRows() + s.out()) * g * s.positions()
                    + (long) s.batch() * s.out() * s.positions();
        }
        return bytes * type.width();
    }

    @Override
    public void batchNormForward(Tensor xT, Tensor xhatT, Tensor yT, BatchNormTensors t, boolean evaluation, boolean updateStatistics,
                                 double momentum, double eps, boolean relu, Tensor maskT) {
        INDArray x = a(xT);
        INDArray xhat = a(xhatT);
        INDArray v = a(yT);
        INDArray mean = a(t.mean());
        INDArray var = a(t.var());
        INDArray rstd = a(t.rstd());
        long c = mean.length();
        INDArray runMean = a(t.runningMean());
        INDArray runVar = a(t.runningVar());
        INDArray maskA = maskT == null ? null : a(maskT);
        if (BatchNormKernels.applies(x, xhat, v, maskA) && (maskA == null || maskA.length() == v.length())) {
            // plain Java loops, one pass per statistic and one for the output (BatchNormKernels)
            double[] mu = evaluation ? BatchNormKernels.read(runMean) : new double[(int) c];
            double[] va = evaluation ? BatchNormKernels.read(runVar) : new double[(int) c];
            double[] rs = new double[(int) c];
            BatchNormKernels.forward(x, xhat, v, maskA, mu, va, rs, BatchNormKernels.read(a(t.gamma())), BatchNormKernels.read(a(t.beta())),
                    evaluation, eps, relu);
            BatchNormKernels.write(mu, mean);
            BatchNormKernels.write(va, var);
            BatchNormKernels.write(rs, rstd);
            if (!evaluation && updateStatistics) {
                moveRunningStatistics(runMean, runVar, mean, var, momentum, (double) x.length() / c);
            }
            return;
        }
        if (evaluation) {
            mean.assign(runMean.reshape(c));
            var.assign(runVar.reshape(c));
        } else {
            x.mean(mean, 0, 2, 3);
        }
        Nd4j.exec(new BroadcastSubOp(x, mean, xhat, 1));
        if (!evaluation) {
            INDArray vb = xhat.var(false, 0, 2, 3); // biased: mean of squares of the centred values
            var.assign(vb);
            vb.close();
            if (updateStatistics) {
                moveRunningStatistics(runMean, runVar, mean, var, momentum, (double) x.length() / c);
            }
        }
        Transforms.pow(rstd.assign(var).addi(eps), -0.5, false);
        Nd4j.exec(new BroadcastMulOp(xhat, rstd, xhat, 1));
        Nd4j.exec(new BroadcastMulOp(xhat, a(t.gamma()), v, 1));
        Nd4j.exec(new BroadcastAddOp(v, a(t.beta()), v, 1));
        if (relu) {
            Transforms.relu(v, false);
        }
        if (maskT != null) {
            v.muli(a(maskT));
        }
    }

    /** running mean ← (1 − m)·running mean + m·mean, running var ← (1 − m)·running var + m·n/(n − 1)·var. */
    private static void moveRunningStatistics(INDArray runMean, INDArray runVar, INDArray mean, INDArray var, double m, double n) {
        long c = mean.length();
        INDArray rm = runMean.reshape(c);
        INDArray rv = runVar.reshape(c);
        rm.muli(1 - m);
        Nd4j.getBlasWrapper().level1().axpy(c, m, mean, rm);
        rv.muli(1 - m);
        Nd4j.getBlasWrapper().level1().axpy(c, m * n / Math.max(1.0, n - 1), var, rv);
    }

    @Override
    public void batchNormBackward(Tensor gT, Tensor yT, Tensor xhatT, Tensor dxT, BatchNormTensors t, boolean evaluation, boolean relu,
                                  Tensor maskT) {
        INDArray g = a(gT);
        INDArray xhat = a(xhatT);
        INDArray dx = a(dxT);
        INDArray mean = a(t.mean());
        INDArray coef = a(t.coef());
        INDArray dgamma = a(t.dgamma());
        INDArray dbeta = a(t.dbeta());
        long c = mean.length();
        INDArray maskA = maskT == null ? null : a(maskT);
        if (BatchNormKernels.applies(g, a(yT), xhat, dx, maskA) && (maskA == null || maskA.length() == g.length())) {
            double[] dg = new double[(int) c];
            double[] db = new double[(int) c];
            BatchNormKernels.backward(g, a(yT), xhat, dx, maskA, BatchNormKernels.read(a(t.rstd())), BatchNormKernels.read(a(t.gamma())), dg, db,
                    evaluation, relu);
            BatchNormKernels.write(dg, dgamma);
            BatchNormKernels.write(db, dbeta);
            return;
        }
        if (maskT != null) {
            g.muli(a(maskT));
        }
        if (relu) {
            // y > 0 exactly where the ReLU passed (and the mask kept: elsewhere g is already 0)
            reluBackward(yT, gT);
        }
        g.sum(dbeta, 0, 2, 3);
        dx.assign(g).muli(xhat).sum(dgamma, 0, 2, 3);
        coef.assign(a(t.gamma())).muli(a(t.rstd()));
        if (evaluation) {
            // constant statistics: dx = g·γ/√(σ²_run + ε)
            Nd4j.exec(new BroadcastMulOp(g, coef, dx, 1));
        } else {
            // dx = γ/√(σ² + ε)·(g − mean(g) − x̂·mean(g·x̂)), the means per channel over N·H·W
            double n = (double) g.length() / c;
            mean.assign(dgamma).divi(n);
            Nd4j.exec(new BroadcastMulOp(xhat, mean, dx, 1));
            dx.rsubi(g);
            mean.assign(dbeta).divi(n);
            Nd4j.exec(new BroadcastSubOp(dx, mean, dx, 1));
            Nd4j.exec(new BroadcastMulOp(dx, coef, dx, 1));
        }
    }

    @Override
    public void relu(Tensor x) {
        Transforms.relu(a(x), false);
    }

    @Override
    public void reluBackward(Tensor y, Tensor g) {
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(a(y), a(g)).addOutputs(a(g)).build());
    }

    /**
     * Whether 2×2 max pooling runs as Java loops ({@link MaxPoolKernels}, bit-identical to ND4J's
     * ops; default) or as ND4J's maxpool2d ops ({@code -Dgradreg.javaPool=false}).
     */
    static boolean javaPool() {
        return !"false".equals(System.getProperty("gradreg.javaPool"));
    }

    // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra (unused for max), layout (0: NCHW)
    private static final int[] POOL = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};

    @Override
    public void maxPool2(Tensor x, Tensor y) {
        if (javaPool() && MaxPoolKernels.applies(a(x), a(y))) {
            MaxPoolKernels.forward(a(x), a(y));
            return;
        }
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(a(x)).addOutputs(a(y)).addIntegerArguments(POOL).build());
    }

    @Override
    public void maxPool2Backward(Tensor x, Tensor dy, Tensor dx) {
        if (javaPool() && MaxPoolKernels.applies(a(x), a(dy), a(dx))) {
            MaxPoolKernels.backward(a(x), a(dy), a(dx));
            return;
        }
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(a(x), a(dy)).addOutputs(a(dx)).addIntegerArguments(POOL).build());
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y) {
        a(x).mean(a(y), 2, 3);
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dxT) {
        INDArray dx = a(dxT);
        long rows = dx.size(0) * dx.size(1);
        INDArray d2 = dx.reshape(rows, dx.length() / rows);
        d2.assign(0).addiColumnVector(a(dy).reshape(rows, 1)).divi(d2.size(1));
    }

    /** A CPU tensor: an ND4J array. */
    private record CpuTensor(INDArray a) implements Tensor {

        @Override
        public long[] shape() {
            return a.shape();
        }

        @Override
        public long length() {
            return a.length();
        }

        @Override
        public Tensor reshape(long... shape) {
            return new CpuTensor(a.reshape(shape));
        }
    }
}
