package org.gradreg.trainer.compute;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend's matrix products: direct cblas calls on the ND4J arrays' host memory. Measured
 * here, a [2080×192]·[192×768] product takes 5.1-5.4 ms that way and 6.3-8.4 ms through
 * {@code Nd4j.gemm} (the custom-op path adds its overhead), and the attention heads become one call
 * per (example, head) straight on the [B·T, D] token rows (head h of example b: the [T, dh] block at
 * row b·T, column h·dh, leading dimension D) with no copies — ND4J 1.0.0-M2.1's rank-3 matmul is a
 * scalar loop.
 */
final class Blas {

    private static final int ROW = openblas_nolapack.CblasRowMajor;
    private static final int N = openblas_nolapack.CblasNoTrans;
    private static final int T = openblas_nolapack.CblasTrans;

    private Blas() {
    }

    private static void check(INDArray a) {
        if (a.offset() != 0 || a.ordering() != 'c' || a.elementWiseStride() != 1 || a.isView()) {
            throw new IllegalArgumentException("direct BLAS needs whole 'c'-order arrays, got " + a.shapeInfoToString());
        }
    }

    /**
     * Multiply-adds from which a GEMM splits C's rows (or columns) over {@link Team} (each block a
     * one-thread OpenBLAS GEMM), with OpenBLAS kept at one thread: measured (issue 20, 2026-12-07)
     * OpenBLAS 0.3.19's own two threads made the small ViT's GEMMs ([2176×64]·[64×192] and alike,
     * 9-27M multiply-adds) slower than one thread (a vit-nano step's 77 GEMMs 15 ms at one thread,
     * 29-31 ms at two), and two row blocks were no faster than one thread inside the step; at
     * ViT-Ti's [1040×192]·[192×576] (115M) two blocks took 674-728 µs against OpenBLAS's 840-880
     * µs at two threads and 1.26-1.33 ms at one. The blocks round like the whole GEMM for the ViT
     * shapes probed ({@code GemmSplitProbe}, by hand, Haswell, SkylakeX and Zen kernels) but not in
     * general: OpenBLAS picks its kernels by size, and a [1037×211]·[211×333] GEMM split in two
     * differs in the last bit of some elements ({@code TeamSplitTest}). A split GEMM's rounding thus
     * depends on {@code --threads}, as OpenBLAS's own threads' did; for one thread count it is fixed
     * (the blocks follow from the shape and the count), so runs and resumes at one count are exact.
     */
    static final long SPLIT_MIN = 1L << 26;

    /**
     * Whether the backend splits this product itself ({@link Team} of two or more threads): then
     * OpenBLAS runs at one thread (a lowered count stays until the evaluation's end, the next
     * download: no set-count pair per GEMM); else OpenBLAS's own count is put back.
     */
    private static boolean ownThreads() {
        if (Team.size() > 1) {
            oneThread();
            return true;
        }
        restoreThreads();
        return false;
    }

    /** C ← alpha·op(A)·op(B) + beta·C for 2-D arrays. */
    static void gemm(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c, double alpha, double beta) {
        int cap = Team.size();
        boolean own = ownThreads();
        check(a);
        check(b);
        check(c);
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (ta ? a.size(0) : a.size(1));
        if ((ta ? a.size(1) : a.size(0)) != m || (tb ? b.size(0) : b.size(1)) != n || (tb ? b.size(1) : b.size(0)) != k) {
            throw new IllegalArgumentException("gemm shapes do not match: " + java.util.Arrays.toString(a.shape()) + (ta ? "ᵀ" : "")
                    + " · " + java.util.Arrays.toString(b.shape()) + (tb ? "ᵀ" : "") + " → " + java.util.Arrays.toString(c.shape()));
        }
        boolean dbl = c.dataType() == DataType.DOUBLE;
        Pointer pa = a.data().addressPointer();
        Pointer pb = b.data().addressPointer();
        Pointer pc = c.data().addressPointer();
        int lda = (int) a.size(1);
        int ldb = (int) b.size(1);
        boolean rows = m >= n;
        int len = rows ? m : n;
        int parts = own && (long) m * n * k >= SPLIT_MIN ? Math.min(cap, len / 16) : 1;
        if (parts <= 1) {
            call(dbl, ta ? T : N, tb ? T : N, m, n, k, alpha, pa, 0, lda, pb, 0, ldb, beta, pc, 0, n);
            return;
        }
        // C's rows (or columns) in contiguous blocks, boundaries on multiples of 16, one one-thread GEMM each
        Team.run(parts, p -> {
            int lo = (int) ((long) len * p / parts) / 16 * 16;
            int hi = p == parts - 1 ? len : (int) ((long) len * (p + 1) / parts) / 16 * 16;
            if (hi <= lo) {
                return;
            }
            if (rows) { // rows lo..hi of op(A): A's rows (offset lo·lda) or, transposed, its columns (offset lo)
                call(dbl, ta ? T : N, tb ? T : N, hi - lo, n, k, alpha, pa, ta ? lo : (long) lo * lda, lda, pb, 0, ldb, beta, pc,
                        (long) lo * n, n);
            } else {    // columns lo..hi of op(B): B's columns (offset lo) or, transposed, its rows (offset lo·ldb)
                call(dbl, ta ? T : N, tb ? T : N, m, hi - lo, k, alpha, pa, 0, lda, pb, tb ? (long) lo * ldb : lo, ldb, beta, pc, lo, n);
            }
        });
    }

    // ---- OpenBLAS's thread count ----

    /** The thread count {@link #oneThread} lowered OpenBLAS from and {@link #restoreThreads} puts back; 0 when not lowered. */
    private static volatile int lowered;

    /**
     * OpenBLAS at one thread, for the example-parallel convolutions (each thread of the cap runs its
     * own GEMMs, so every GEMM's rounding is a one-thread GEMM's), and left there until the next
     * {@link #restoreThreads}: a GEMM outside the convolutions or the end of an evaluation. Lowering
     * and restoring around every convolution cost more than the convolutions gained from their
     * second thread (issue 20, measured 2026-12-07: one pair of {@code blas_set_num_threads} calls
     * took 0.9-1.7 ms, and cnn-small's 32→32 forward at two threads 24-25 ms with a pair per call
     * against 18-21 ms without); now a convolution network's step pays about two pairs instead of
     * one per convolution. Every GEMM still runs at the thread count it ran at before, so no bit of
     * any result changes (OpenBLAS's FLOAT GEMMs round differently at one and two threads under
     * some kernels, e.g. Haswell's: measured the same day).
     */
    static synchronized void oneThread() {
        int now = openblas_nolapack.blas_get_num_threads();
        if (now != 1) {
            // ND4J sets the count at start-up, so it is known; if not (−1), the restore gives ND4J's cap
            lowered = now >= 1 ? now : Math.max(1, Nd4j.getEnvironment().maxThreads());
            openblas_nolapack.blas_set_num_threads(1);
        }
    }

    /** Puts back the thread count {@link #oneThread} lowered OpenBLAS from (nothing when it is not lowered). */
    static void restoreThreads() {
        if (lowered != 0) {
            restoreLowered();
        }
    }

    private static synchronized void restoreLowered() {
        if (lowered != 0 && openblas_nolapack.blas_get_num_threads() == 1) {
            openblas_nolapack.blas_set_num_threads(lowered);
        }
        lowered = 0;
    }

    /** Sets OpenBLAS's thread count (the process's {@code --threads}); a lowered count is forgotten. */
    static synchronized void setThreads(int n) {
        lowered = 0;
        // with the split, OpenBLAS stays at one thread: its own workers, woken by a second thread,
        // spin for a while after each call and took the second core from the team's (issue 20)
        Nd4j.factory().blas().setMaxThreads(Team.enabled() ? 1 : n);
    }

    /** OpenBLAS's thread count now. */
    static int threads() {
        return openblas_nolapack.blas_get_num_threads();
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, INDArray> ONES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * out ← Σ over rows of x + out (x [N, K], out [1, K]): a GEMM with a row of ones, which reads x
     * once in row order (ND4J's reduction along dimension 0 walks x column by column).
     */
    static void addColumnSums(INDArray x, INDArray out) {
        long n = x.size(0);
        INDArray ones = ONES.computeIfAbsent(x.dataType() + "/" + n, k -> Nd4j.ones(x.dataType(), 1, n));
        gemm(ones, false, x, false, out, 1.0, 1.0);
    }

    /** s[g] = alpha · A_g · B_gᵀ for every head g = b·H + h (A, B: [B·T, D] rows; s: [B·H, T, T]). */
    static void headsABt(INDArray a, INDArray b, INDArray s, double alpha, int batch, int heads, int tokens, int dh) {
        heads(a, b, s, alpha, batch, heads, tokens, dh, Kind.ABT);
    }

    /** C_g = alpha · op(P[g]) · B_g, op = transpose if {@code transP} (P: [B·H, T, T]; B, C: [B·T, D] rows). */
    static void headsPB(INDArray p, INDArray b, INDArray c, double alpha, boolean transP, int batch, int heads, int tokens, int dh) {
        heads(p, b, c, alpha, batch, heads, tokens, dh, transP ? Kind.PTB : Kind.PB);
    }

    private enum Kind { ABT, PB, PTB }

    private static void heads(INDArray x, INDArray y, INDArray z, double alpha, int batch, int heads, int tokens, int dh, Kind kind) {
        boolean own = ownThreads();
        check(x);
        check(y);
        check(z);
        int d = heads * dh;
        int tt = tokens * tokens;
        boolean dbl = z.dataType() == DataType.DOUBLE;
        Pointer px = x.data().addressPointer();
        Pointer py = y.data().addressPointer();
        Pointer pz = z.data().addressPointer();
        // with the split, the examples in contiguous blocks over the thread cap (each product a one-thread GEMM, as alone)
        int parts = own && (long) batch * heads * tokens * tokens * dh >= SPLIT_MIN ? Math.min(Team.size(), batch) : 1;
        Team.run(parts, p -> {
        for (int bi = batch * p / parts; bi < batch * (p + 1) / parts; bi++) {
            for (int h = 0; h < heads; h++) {
                long g = (long) bi * heads + h;
                long rows = (long) bi * tokens * d + (long) h * dh; // block of the [B·T, D] arrays
                long sq = g * tt;                                    // block of the [B·H, T, T] array
                switch (kind) {
                    case ABT -> call(dbl, N, T, tokens, tokens, dh, alpha, px, rows, d, py, rows, d, 0, pz, sq, tokens);
                    case PB -> call(dbl, N, N, tokens, dh, tokens, alpha, px, sq, tokens, py, rows, d, 0, pz, rows, d);
                    case PTB -> call(dbl, T, N, tokens, dh, tokens, alpha, px, sq, tokens, py, rows, d, 0, pz, rows, d);
                }
            }
        }
        });
    }

    /** One row-major GEMM on raw pointers with element offsets (the building block of the others). */
    static void call(boolean dbl, int ta, int tb, int m, int n, int k, double alpha, Pointer a, long ao, int lda,
                             Pointer b, long bo, int ldb, double beta, Pointer c, long co, int ldc) {
        if (dbl) {
            openblas_nolapack.cblas_dgemm(ROW, ta, tb, m, n, k, alpha, new DoublePointer(a).position(ao), lda,
                    new DoublePointer(b).position(bo), ldb, beta, new DoublePointer(c).position(co), ldc);
        } else {
            openblas_nolapack.cblas_sgemm(ROW, ta, tb, m, n, k, (float) alpha, new FloatPointer(a).position(ao), lda,
                    new FloatPointer(b).position(bo), ldb, (float) beta, new FloatPointer(c).position(co), ldc);
        }
    }

    /**
     * For i &lt; count: C_i ← alpha·op(A_i)·op(B_i) + beta·C_i with A_i, B_i, C_i row-major blocks of
     * the arrays' buffers starting at {@code offset + i·stride} elements (leading dimensions lda,
     * ldb, ldc; a stride of 0 reuses one block). With {@code sum} the C blocks are one (stride 0)
     * and the products are summed into it: beta applies to the first product only. Direct path only.
     */
    static void gemmStrided(INDArray a, long aStride, int lda, boolean ta, INDArray b, long bStride, int ldb, boolean tb,
                            INDArray c, long cStride, int ldc, int m, int n, int k, int count, double alpha, double beta, boolean sum) {
        restoreThreads();
        for (INDArray x : new INDArray[] {a, b, c}) {
            if (x.ordering() != 'c' || x.elementWiseStride() != 1 || x.dataType() != c.dataType()) {
                throw new IllegalArgumentException("strided BLAS needs contiguous 'c'-order arrays of one type, got " + x.shapeInfoToString());
            }
        }
        boolean dbl = c.dataType() == DataType.DOUBLE;
        Pointer pa = a.data().addressPointer();
        Pointer pb = b.data().addressPointer();
        Pointer pc = c.data().addressPointer();
        for (int i = 0; i < count; i++) {
            call(dbl, ta ? T : N, tb ? T : N, m, n, k, alpha, pa, a.offset() + i * aStride, lda, pb, b.offset() + i * bStride, ldb,
                    sum && i > 0 ? 1.0 : beta, pc, c.offset() + (sum ? 0 : i * cStride), ldc);
        }
    }
}
