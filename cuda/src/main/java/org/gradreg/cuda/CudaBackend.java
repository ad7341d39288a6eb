package org.gradreg.cuda;

import java.util.Arrays;
import java.util.Locale;
import org.gradreg.optim.MemoryProbe;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.ConvShape;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.compute.TransferProfile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Backend} on an NVIDIA GPU: tensors in device memory; dense products, the attention
 * heads' products and convolutions (explicit im2col over the whole batch, then one GEMM) through
 * cuBLAS; per-channel and per-column sums as cuBLAS products with a vector of ones; everything else
 * in the NVRTC-compiled kernels of {@code kernels.cu}. Row-major tensors meet column-major cuBLAS by
 * the identity (A·B)ᵀ = Bᵀ·Aᵀ: a row-major C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ,
 * with the operands' buffers unchanged ({@link #rowGemm}).
 *
 * <p>Host arrays cross the bus only in {@link #upload} and {@link #download} (synchronous copies;
 * {@link TransferProfile} counts their bytes and, when asked, their time).
 */
final class CudaBackend implements Backend, TransferProfile {

    private static final int BLOCK = 256;
    private static final long MAX_GRID = 1L << 16;

    private final Gpu gpu;
    private final Device device;
    private final DataType type;
    private final boolean dbl;
    private final int width;
    /** Scratch kept by the backend, grown on demand: ones, row sums, loss rows, convolution columns and matrices. */
    private final Scratch ones = new Scratch();
    private final Scratch rowSums = new Scratch();
    private final Scratch lossRows = new Scratch();
    private final Scratch cols = new Scratch();
    private final Scratch cnhw = new Scratch();
    private final Scratch wt = new Scratch();
    private final Scratch dwt = new Scratch();
    private final Scratch dterm = new Scratch();
    private long onesFilled;
    private INDArray lossHost;
    private boolean profiling;
    private long bytesUp;
    private long bytesDown;
    private long transferNanos;

    CudaBackend(Gpu gpu, Device device, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("the CUDA backend computes in FLOAT or DOUBLE, not " + type);
        }
        this.gpu = gpu;
        this.device = device;
        this.type = type;
        this.dbl = type == DataType.DOUBLE;
        this.width = type.width();
    }

    /** A device tensor: address, shape; {@code owner} for the allocation itself (reshapes are views). */
    record CudaTensor(long address, long[] shape, long length, boolean owner) implements Tensor {

        @Override
        public Tensor reshape(long... s) {
            if (Tensor.lengthOf(s) != length) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(s));
            }
            return new CudaTensor(address, s.clone(), length, false);
        }

        @Override
        public String toString() {
            return "cuda" + Arrays.toString(shape);
        }
    }

    /** A growable device buffer. */
    private final class Scratch {
        long address;
        long elements;

        long get(long n) {
            if (n > elements) {
                if (address != 0) {
                    gpu.free(address);
                }
                address = gpu.malloc(n * width);
                elements = n;
            }
            return address;
        }

        void free() {
            if (address != 0) {
                gpu.free(address);
                address = 0;
                elements = 0;
            }
        }
    }

    private static long a(Tensor t) {
        return ((CudaTensor) t).address();
    }

    private static long n(Tensor t) {
        return t.length();
    }

    private long off(long address, long elements) {
        return address + elements * width;
    }

    private static int grid(long n) {
        return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, MAX_GRID));
    }

    private static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private void run(String kernel, long work, long... args) {
        gpu.launch(dbl, kernel, grid(work), BLOCK, args);
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public String describe() {
        int cc = gpu.computeCapability();
        return String.format(Locale.ROOT, "%s (%s, sm_%d, %.1f GiB)", gpu.name(), device, cc, gpu.totalMemory() / (double) (1L << 30));
    }

    // ---- memory and transfers ----

    @Override
    public Tensor create(long... shape) {
        long len = Tensor.lengthOf(shape);
        return new CudaTensor(gpu.malloc(len * width), shape.clone(), len, true);
    }

    @Override
    public void free(Tensor t) {
        CudaTensor c = (CudaTensor) t;
        if (c.owner()) {
            gpu.free(c.address());
        }
    }

    @Override
    public Tensor mirror(INDArray host) {
        return create(host.shape());
    }

    /** The host array as contiguous 'c'-order memory of this backend's type (itself, or a copy). */
    private INDArray contiguous(INDArray host) {
        if (host.dataType() == type && host.ordering() == 'c' && host.elementWiseStride() == 1 && !host.isView()) {
            return host;
        }
        INDArray c = host.dataType() == type ? host.dup('c') : host.castTo(type).dup('c');
        return c;
    }

    private static long hostAddress(INDArray a) {
        return a.data().addressPointer().address() + a.offset() * a.dataType().width();
    }

    @Override
    public void upload(INDArray host, Tensor dst) {
        if (host.length() != dst.length()) {
            throw new IllegalArgumentException("upload of " + Arrays.toString(host.shape()) + " into " + dst);
        }
        INDArray c = contiguous(host);
        long bytes = c.length() * width;
        long t0 = profiling ? startTransfer() : 0;
        gpu.copyToDevice(a(dst), hostAddress(c), bytes);
        bytesUp += bytes;
        if (profiling) {
            endTransfer(t0);
        }
    }

    @Override
    public void download(Tensor src, INDArray host) {
        if (host.length() != src.length()) {
            throw new IllegalArgumentException("download of " + src + " into " + Arrays.toString(host.shape()));
        }
        boolean direct = host.dataType() == type && host.ordering() == 'c' && host.elementWiseStride() == 1 && !host.isView();
        INDArray target = direct ? host : Nd4j.create(type, host.shape());
        long bytes = src.length() * width;
        long t0 = profiling ? startTransfer() : 0;
        gpu.copyToHost(hostAddress(target), a(src), bytes);
        bytesDown += bytes;
        if (profiling) {
            endTransfer(t0);
        }
        if (!direct) {
            host.assign(target);
        }
    }

    private long startTransfer() {
        gpu.synchronize(); // time the copy alone, not the queued work before it
        return System.nanoTime();
    }

    private void endTransfer(long t0) {
        gpu.synchronize();
        transferNanos += System.nanoTime() - t0;
    }

    @Override
    public void profile(boolean on) {
        profiling = on;
    }

    @Override
    public long bytesToDevice() {
        return bytesUp;
    }

    @Override
    public long bytesToHost() {
        return bytesDown;
    }

    @Override
    public long transferNanos() {
        return transferNanos;
    }

    @Override
    public void resetCounters() {
        bytesUp = 0;
        bytesDown = 0;
        transferNanos = 0;
    }

    /** The GPU's memory: free and in use (total − free) as the driver reports them. */
    @Override
    public MemoryProbe memory() {
        return new MemoryProbe() {
            @Override
            public String where() {
                return describe();
            }

            @Override
            public long usedBytes() {
                return gpu.totalMemory() - gpu.freeMemory();
            }

            @Override
            public long availableBytes() {
                return gpu.freeMemory();
            }
        };
    }

    @Override
    public void synchronize() {
        gpu.synchronize();
    }

    @Override
    public void close() {
        for (Scratch s : new Scratch[] {ones, rowSums, lossRows, cols, cnhw, wt, dwt, dterm}) {
            s.free();
        }
        onesFilled = 0;
    }

    // ---- dense algebra ----

    /**
     * Row-major C ← alpha·op(A)·op(B) + beta·C (C m×n; lda, ldb, ldc the row lengths as stored), as the
     * column-major product Cᵀ = op(B)ᵀ·op(A)ᵀ; batched with element strides.
     */
    private void rowGemm(boolean ta, boolean tb, int m, int n, int k, double alpha, long pa, int lda, long sa, long pb, int ldb, long sb,
                         double beta, long pc, int ldc, long sc, int batch) {
        gpu.gemm(dbl, tb, ta, n, m, k, alpha, pb, ldb, sb, pa, lda, sa, beta, pc, ldc, sc, batch);
    }

    @Override
    public void gemm(Tensor x, boolean ta, Tensor y, boolean tb, Tensor c, double alpha, double beta) {
        if (x.shape().length != 2 || y.shape().length != 2 || c.shape().length != 2) {
            throw new IllegalArgumentException("gemm needs 2-D tensors, got " + x + ", " + y + ", " + c);
        }
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (ta ? x.size(0) : x.size(1));
        if ((ta ? x.size(1) : x.size(0)) != m || (tb ? y.size(0) : y.size(1)) != n || (tb ? y.size(1) : y.size(0)) != k) {
            throw new IllegalArgumentException("gemm shapes do not match: " + x + (ta ? "ᵀ" : "") + " · " + y + (tb ? "ᵀ" : "") + " → " + c);
        }
        rowGemm(ta, tb, m, n, k, alpha, a(x), (int) x.size(1), 0, a(y), (int) y.size(1), 0, beta, a(c), n, 0, 1);
    }

    /** A device vector of at least n ones. */
    private long ones(long n) {
        long p = ones.get(Math.max(n, 1024));
        if (onesFilled < ones.elements) {
            run("gr_fill", ones.elements, ones.elements, p, d(1.0));
            onesFilled = ones.elements;
        }
        return p;
    }

    @Override
    public void addRowVector(Tensor y, Tensor bias) {
        run("gr_add_row_vector", n(y), n(y), (int) bias.length(), a(y), a(bias));
    }

    /** out[1, cols] ← alpha·Σ rows of x [rows, cols] + beta·out. */
    private void columnSums(long x, int rows, int cols, long out, double alpha, double beta) {
        rowGemm(false, false, 1, cols, rows, alpha, ones(rows), rows, 0, x, cols, 0, beta, out, cols, 0, 1);
    }

    /** out[rows] ← Σ columns of x [rows, cols]. */
    private void rowSums(long x, int rows, int cols, long out) {
        rowGemm(false, false, rows, 1, cols, 1.0, x, cols, 0, ones(cols), 1, 0, 0.0, out, 1, 0, 1);
    }

    @Override
    public void addColumnSums(Tensor x, Tensor out) {
        int cols = (int) out.length();
        columnSums(a(x), (int) (x.length() / cols), cols, a(out), 1.0, 1.0);
    }

    @Override
    public void headsABt(Tensor x, Tensor y, Tensor s, double alpha, int batch, int heads, int tokens, int dh) {
        int dm = heads * dh;
        for (int h = 0; h < heads; h++) {
            rowGemm(false, true, tokens, tokens, dh, alpha, off(a(x), (long) h * dh), dm, (long) tokens * dm, off(a(y), (long) h * dh), dm,
                    (long) tokens * dm, 0.0, off(a(s), (long) h * tokens * tokens), tokens, (long) heads * tokens * tokens, batch);
        }
    }

    @Override
    public void headsPB(Tensor p, Tensor y, Tensor c, double alpha, boolean transP, int batch, int heads, int tokens, int dh) {
        int dm = heads * dh;
        for (int h = 0; h < heads; h++) {
            rowGemm(transP, false, tokens, dh, tokens, alpha, off(a(p), (long) h * tokens * tokens), tokens, (long) heads * tokens * tokens,
                    off(a(y), (long) h * dh), dm, (long) tokens * dm, 0.0, off(a(c), (long) h * dh), dm, (long) tokens * dm, batch);
        }
    }

    // ---- element-wise ----

    @Override
    public void copy(Tensor src, Tensor dst) {
        gpu.copyOnDevice(a(dst), a(src), n(src) * width);
    }

    @Override
    public void add(Tensor x, Tensor y, Tensor out) {
        run("gr_add", n(out), n(out), a(x), a(y), a(out));
    }

    @Override
    public void addInPlace(Tensor y, Tensor x) {
        run("gr_add_inplace", n(y), n(y), a(y), a(x));
    }

    @Override
    public void multiplyInPlace(Tensor x, Tensor mask) {
        run("gr_mul_inplace", n(x), n(x), a(x), a(mask));
    }

    @Override
    public void zero(Tensor x) {
        gpu.memset0(a(x), n(x) * width);
    }

    @Override
    public void dropoutMask(Tensor mask, double rate, long seed) {
        run("gr_dropout_mask", n(mask), n(mask), a(mask), d(rate), seed);
    }

    // ---- transformer layers ----

    @Override
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor xhat, Tensor rstd, Tensor y) {
        long rows = x.size(0);
        run("gr_layer_norm_forward", rows, rows, (int) x.size(1), a(x), a(gamma), a(beta), d(eps), a(xhat), a(rstd), a(y));
    }

    @Override
    public void layerNormBackward(Tensor dy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor dgamma, Tensor dbeta, Tensor dx,
                                  Tensor scratch) {
        int rows = (int) dy.size(0);
        int cols = (int) dy.size(1);
        run("gr_mul", n(dy), n(dy), a(dy), a(xhat), a(scratch));
        columnSums(a(scratch), rows, cols, a(dgamma), 1.0, 1.0);
        columnSums(a(dy), rows, cols, a(dbeta), 1.0, 1.0);
        run("gr_layer_norm_backward", rows, rows, cols, a(dy), a(xhat), a(rstd), a(gamma), a(dx));
    }

    @Override
    public void geluForward(Tensor x, Tensor cdf, Tensor y) {
        run("gr_gelu_forward", n(x), n(x), a(x), a(cdf), a(y));
    }

    @Override
    public void geluBackward(Tensor x, Tensor cdf, Tensor dy, Tensor scratch) {
        run("gr_gelu_backward", n(x), n(x), a(x), a(cdf), a(dy));
    }

    @Override
    public void softmaxRows(Tensor s, int cols) {
        long rows = n(s) / cols;
        run("gr_softmax_rows", rows, rows, cols, a(s));
    }

    @Override
    public void softmaxBackward(Tensor dp, Tensor p, Tensor scratch, int cols) {
        long rows = n(dp) / cols;
        run("gr_softmax_backward", rows, rows, cols, a(dp), a(p));
    }

    @Override
    public double crossEntropy(Tensor logits, Tensor target, Tensor dlogits) {
        int rows = (int) logits.size(0);
        int cols = (int) logits.size(1);
        long loss = lossRows.get(rows);
        run("gr_cross_entropy", rows, rows, cols, a(logits), a(target), loss, dlogits == null ? 0L : a(dlogits));
        if (lossHost == null || lossHost.length() != rows) {
            lossHost = Nd4j.create(type, rows);
        }
        gpu.copyToHost(hostAddress(lossHost), loss, (long) rows * width);
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            sum += lossHost.getDouble(i);
        }
        return sum / rows;
    }

    @Override
    public void tokenEmbedding(Tensor x, Tensor pos, Tensor cls, Tensor bias, Tensor term, int batch, int tokens, int dim) {
        run("gr_token_embedding", n(x), n(x), tokens, dim, a(x), a(pos), a(cls), a(bias));
    }

    @Override
    public void tokenEmbeddingBackward(Tensor dx, Tensor dpos, Tensor dcls, Tensor dbias, int batch, int tokens, int dim) {
        int td = tokens * dim;
        long dt = dterm.get(td);
        columnSums(a(dx), batch, td, dt, 1.0, 0.0);
        run("gr_add_inplace", td, td, a(dpos), dt);
        run("gr_token_embedding_backward", dim, tokens, dim, dt, a(dpos), a(dcls), a(dbias));
    }

    @Override
    public void gatherFirstTokens(Tensor x, Tensor out, int batch, int tokens, int dim) {
        run("gr_gather_first_tokens", n(out), n(out), tokens, dim, a(x), a(out));
    }

    @Override
    public void scatterFirstTokens(Tensor src, Tensor dx, int batch, int tokens, int dim) {
        run("gr_scatter_first_tokens", n(dx), n(dx), tokens, dim, a(src), a(dx));
    }

    // ---- convolutional layers ----

    @Override
    public void conv2d(ConvShape s, Tensor x, Tensor w, Tensor y) {
        long kk = s.columnRows();
        long bp = s.batch() * s.positions();
        long c = im2col(s, a(x));
        long m = wt.get(s.out() * kk);
        run("gr_kernel_to_matrix", s.out() * kk, s.out() * kk, s.k(), s.in(), s.out(), a(w), m);
        long t = cnhw.get(s.out() * bp);
        rowGemm(false, false, s.out(), (int) bp, (int) kk, 1.0, m, (int) kk, 0, c, (int) bp, 0, 0.0, t, (int) bp, 0, 1);
        run("gr_cnhw_to_nchw", s.out() * bp, s.out() * bp, s.batch(), s.out(), s.positions(), t, a(y));
    }

    private long im2col(ConvShape s, long x) {
        long kk = s.columnRows();
        long bp = s.batch() * s.positions();
        long c = cols.get(kk * bp);
        run("gr_im2col", kk * bp, kk * bp, s.batch(), s.in(), s.height(), s.width(), s.k(), s.stride(), s.pad(), s.outHeight(), s.outWidth(),
                x, c);
        return c;
    }

    @Override
    public void conv2dBackward(ConvShape s, Tensor x, Tensor w, Tensor dy, Tensor dw, Tensor dx) {
        long kk = s.columnRows();
        long bp = s.batch() * s.positions();
        long t = cnhw.get(s.out() * bp);
        run("gr_nchw_to_cnhw", s.out() * bp, s.out() * bp, s.batch(), s.out(), s.positions(), a(dy), t);
        long c = im2col(s, a(x));
        long g = dwt.get(s.out() * kk);
        // dWt [out, K] = dYᵀ [out, B·P] · colsᵀ
        rowGemm(false, true, s.out(), (int) kk, (int) bp, 1.0, t, (int) bp, 0, c, (int) bp, 0, 0.0, g, (int) kk, 0, 1);
        run("gr_matrix_to_kernel", s.out() * kk, s.out() * kk, s.k(), s.in(), s.out(), g, a(dw));
        if (dx != null) {
            long m = wt.get(s.out() * kk);
            run("gr_kernel_to_matrix", s.out() * kk, s.out() * kk, s.k(), s.in(), s.out(), a(w), m);
            // dcols [K, B·P] = Wtᵀ · dYᵀ, into the column buffer, then summed back onto the image
            rowGemm(true, false, (int) kk, (int) bp, s.out(), 1.0, m, (int) kk, 0, t, (int) bp, 0, 0.0, c, (int) bp, 0, 1);
            long nx = n(dx);
            run("gr_col2im", nx, nx, s.batch(), s.in(), s.height(), s.width(), s.k(), s.stride(), s.pad(), s.outHeight(), s.outWidth(), c,
                    a(dx));
        }
    }

    @Override
    public long convWorkspaceBytes(ConvShape s) {
        long kk = s.columnRows();
        long bp = s.batch() * s.positions();
        return (kk * bp + s.out() * bp + 2L * s.out() * kk) * width;
    }

    /** Per-channel sums of x [N, C, P] into out [C], scaled by alpha (two products with ones). */
    private void channelSums(long x, int batch, int c, long p, long out, double alpha) {
        long rs = rowSums.get((long) batch * c);
        rowSums(x, batch * c, (int) p, rs);
        columnSums(rs, batch, c, out, alpha, 0.0);
    }

    @Override
    public void batchNormForward(Tensor x, Tensor xhat, Tensor y, BatchNormTensors t, boolean evaluation, boolean updateStatistics,
                                 double momentum, double eps, boolean relu, Tensor mask) {
        int batch = (int) x.size(0);
        int c = (int) t.mean().length();
        long p = n(x) / ((long) batch * c);
        double count = (double) batch * p;
        long len = n(x);
        if (evaluation) {
            run("gr_bn_statistics", c, c, d(count), 1, 0, d(momentum), d(eps), a(t.mean()), a(t.var()), a(t.runningMean()),
                    a(t.runningVar()), a(t.rstd()));
            run("gr_bn_center", len, len, c, p, a(x), a(t.mean()), a(xhat));
        } else {
            channelSums(a(x), batch, c, p, a(t.mean()), 1 / count);
            run("gr_bn_center", len, len, c, p, a(x), a(t.mean()), a(xhat));
            run("gr_square", len, len, a(xhat), a(y));
            channelSums(a(y), batch, c, p, a(t.var()), 1 / count);
            run("gr_bn_statistics", c, c, d(count), 0, updateStatistics ? 1 : 0, d(momentum), d(eps), a(t.mean()), a(t.var()),
                    a(t.runningMean()), a(t.runningVar()), a(t.rstd()));
        }
        run("gr_bn_apply", len, len, c, p, a(xhat), a(t.rstd()), a(t.gamma()), a(t.beta()), relu ? 1 : 0, mask == null ? 0L : a(mask),
                a(y));
    }

    @Override
    public void batchNormBackward(Tensor g, Tensor y, Tensor xhat, Tensor dx, BatchNormTensors t, boolean evaluation, boolean relu,
                                  Tensor mask) {
        int batch = (int) g.size(0);
        int c = (int) t.mean().length();
        long p = n(g) / ((long) batch * c);
        double count = (double) batch * p;
        long len = n(g);
        run("gr_bn_grad_in", len, len, relu ? 1 : 0, mask == null ? 0L : a(mask), a(y), a(g));
        channelSums(a(g), batch, c, p, a(t.dbeta()), 1.0);
        run("gr_mul", len, len, a(g), a(xhat), a(dx));
        channelSums(a(dx), batch, c, p, a(t.dgamma()), 1.0);
        run("gr_bn_coef", c, c, a(t.gamma()), a(t.rstd()), a(t.coef()));
        run("gr_bn_backward", len, len, c, p, d(count), evaluation ? 1 : 0, a(g), a(xhat), a(t.coef()), a(t.dgamma()), a(t.dbeta()), a(dx));
    }

    @Override
    public void relu(Tensor x) {
        run("gr_relu", n(x), n(x), a(x));
    }

    @Override
    public void reluBackward(Tensor y, Tensor g) {
        run("gr_relu_backward", n(g), n(g), a(y), a(g));
    }

    @Override
    public void maxPool2(Tensor x, Tensor y) {
        run("gr_max_pool2", n(y), n(y), (int) x.size(2), (int) x.size(3), a(x), a(y));
    }

    @Override
    public void maxPool2Backward(Tensor x, Tensor dy, Tensor dx) {
        run("gr_max_pool2_backward", n(dx), n(dx), (int) x.size(2), (int) x.size(3), a(x), a(dy), a(dx));
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y) {
        int p = (int) (n(x) / n(y));
        run("gr_global_avg_pool", n(y), n(y), p, a(x), a(y));
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx) {
        int p = (int) (n(dx) / n(dy));
        run("gr_global_avg_pool_backward", n(dx), n(dx), p, a(dy), a(dx));
    }
}
