package org.gradreg.trainer.compute;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 3×3, stride-1, pad-1 FLOAT convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin and
 * Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, eq. (8) and its 2-D
 * nesting): every output tile of 2×2 positions is Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, with d the tile's
 * 4×4 input patch, so the products over the input channels are 16 GEMMs (one per point ξ of the
 * transformed tile) with 16 multiplies per tile where the direct form has 36: 2.25× fewer FLOPs
 * than im2col's GEMM (issue 20: OpenBLAS runs both kinds of GEMM at about the same rate here).
 *
 * <p>The backward is the exact gradient of this computation: with dM = A dY Aᵀ (per output tile),
 * dV[ξ] = U[ξ]ᵀ dM[ξ] is mapped back onto the input patches by B dV Bᵀ (overlapping patches summed,
 * tiles in order), and dU[ξ] = Σ_tiles dM[ξ] V[ξ]ᵀ onto the kernel by Gᵀ dU G. Equal to the
 * convolution in exact arithmetic; in FLOAT it rounds differently from the im2col path (a different
 * summation), which is why it is an option of the run ({@code model.conv}; {@code WinogradTest} checks
 * it against the definition in double, {@code WinogradModelTest} whole models against im2col).
 *
 * <p>Layout: each example's plane is cut into th × tw tiles (th = ⌈h/2⌉, tw = ⌈w/2⌉), stored in rows
 * of tw + 1 slots (the last slot of a row is a spare, 0 in every gradient, its output dropped): with
 * rows of exactly half the padded width, every step of every transform is a loop over whole arrays at
 * one index (plus one stride-2 split), which the JIT vectorises; loops over shifted slices of one
 * array it does not. The spare slots cost 1/(tw + 1) of the GEMM work. Planes of at most
 * {@link #channelsLastPlane} positions (16×16) take the channels-last layout instead
 * ({@link ChannelsLast}: operands [ξ][tile][channel], no spare slot, loops over the channels), where
 * the planar loops would be a few elements long.
 *
 * <p>Examples are taken in groups (the fewest whose slots reach {@link #MIN_COLUMNS} columns, a
 * function of the shape only) and every sum runs in a fixed order (the kernel gradient per run of
 * groups, {@link #RUNS} at most, the runs added in order), so no bit depends on the thread count: in
 * the forward, with at least as many groups as threads the groups are shared out, otherwise each
 * group's 16 GEMMs are; in the backward the runs are.
 */
final class Winograd {

    /** Points of a transformed 4×4 tile. */
    static final int XI = 16;
    /** The fewest tile slots per group GEMM (examples are grouped on small planes). */
    static final int MIN_COLUMNS = 96;
    /** The fewest tiles per group GEMM in the channels-last layout (rows of its operands). */
    static final int MIN_TILES = 64;

    private static final int NT = openblas_nolapack.CblasNoTrans;
    private static final int TR = openblas_nolapack.CblasTrans;

    /** U = G g Gᵀ for every (in, out) as [ξ][in][out] (w's own order), and dU. */
    private DataBuffer u;
    private DataBuffer du;
    /** The runs' sums of dU (run 0's is dU). */
    private DataBuffer[] parts = new DataBuffer[0];

    /** Frees the kernel transforms and the runs' sums (the threads' operand buffers stay with their threads, as the other kernels' scratch). */
    void close() {
        for (DataBuffer b : parts) {
            if (b != null && b != du) {
                b.close();
            }
        }
        parts = new DataBuffer[0];
        for (DataBuffer b : new DataBuffer[] {u, du}) {
            if (b != null) {
                b.close();
            }
        }
        u = null;
        du = null;
    }

    /** A thread's native GEMM operands (V or dV [ξ][in][N], M or dM [ξ][out][N]) and its heap arrays. */
    private static final class Scratch {
        DataBuffer v;
        DataBuffer m;
        final float[][] big = new float[XI][0];     // V/dV or M/dM of the group, one array per point
        final float[][] t = new float[48][0];       // per-plane work arrays
        float[] plane = new float[0];
        final float[][] kt = new float[28][0];      // the kernel transforms' arrays

        float[] k(int i, int n) {
            if (kt[i].length < n) {
                kt[i] = new float[n];
            }
            return kt[i];
        }

        float[] t(int i, int n) {
            if (t[i].length < n) {
                t[i] = new float[n];
            }
            return t[i];
        }

        float[] big(int i, int n) {
            if (big[i].length < n) {
                big[i] = new float[n];
            }
            return big[i];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Whether {@code -Dgradreg.conv=winograd} selects this path (default: im2col). */
    static boolean enabled() {
        return "winograd".equalsIgnoreCase(System.getProperty("gradreg.conv", "im2col"));
    }

    /** Whether this path computes the convolution: FLOAT, 3×3, stride 1, pad 1, ≥ 8 channels in and out, whole 'c'-order arrays. */
    static boolean applies(ConvShape s, INDArray... arrays) {
        if (s.k() != 3 || s.stride() != 1 || s.pad() != 1 || s.in() < 8 || s.out() < 8) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.elementWiseStride() != 1 || a.length() > Integer.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    static int tilesHigh(ConvShape s) {
        return (s.height() + 1) / 2;
    }

    static int tilesWide(ConvShape s) {
        return (s.width() + 1) / 2;
    }

    /** Slots per example plane: th rows of tw + 1. */
    static int slots(ConvShape s) {
        return channelsLast(s) ? tilesHigh(s) * tilesWide(s) : tilesHigh(s) * (tilesWide(s) + 1);
    }

    /**
     * Planes of at most this many positions take the channels-last layout: 256 (16×16; measured
     * faster than the planar layout up to 16×16 and slower at 28×28 and 32×32, docs/trainer-benchmark.md).
     * {@code -Dgradreg.winograd.channelsLastPlane} moves it for measurements (a run's environment.json
     * records it when set); the tests and the hand-run WinogradBench set it directly. The layout
     * changes the GEMMs' summation order, so it is part of a run's bits.
     */
    static volatile int channelsLastPlane = Integer.getInteger("gradreg.winograd.channelsLastPlane", 256);

    /**
     * Whether a shape takes the channels-last layout: the GEMM operands as [ξ][tile][channel]
     * (V [N × in], M [N × out]; N the group's tiles, no spare slot) and every transform a loop over
     * the channels of one tile position (the plane moved to height × width × channels first) — on
     * small planes the per-plane loops of the planar layout are a few elements long and cost more
     * than the GEMMs they feed. The same arithmetic per element in both layouts; the GEMMs' sums run
     * in OpenBLAS's order for their layout.
     */
    static boolean channelsLast(ConvShape s) {
        return (long) s.height() * s.width() <= channelsLastPlane;
    }

    /** Examples per group: the smallest power of two whose slots reach {@link #MIN_COLUMNS}, at most the batch. */
    static int group(ConvShape s) {
        int g = 1;
        int min = channelsLast(s) ? MIN_TILES : MIN_COLUMNS;
        while (g < s.batch() && (long) g * slots(s) < min) {
            g *= 2;
        }
        return Math.min(g, s.batch());
    }

    /** Bytes of the native buffers this path keeps for a shape (U, dU and the runs' sums, two operands per thread). */
    static long workspaceBytes(ConvShape s, int threads) {
        long n = (long) group(s) * slots(s);
        return 4L * XI * ((long) s.in() * s.out() * (1 + RUNS) + (long) threads * n * (s.in() + s.out()));
    }

    private static DataBuffer grow(DataBuffer have, long n) {
        if (have != null && have.length() >= n) {
            return have;
        }
        if (have != null) {
            have.close();
        }
        return Nd4j.createBuffer(DataType.FLOAT, Math.max(1, n), false);
    }

    private static float[] grow(float[] have, int n) {
        return have.length >= n ? have : new float[n];
    }

    private static int threads() {
        return Math.max(1, Nd4j.getEnvironment().maxMasterThreads());
    }

    private static FloatBuffer f(INDArray a) {
        return a.data().asNioFloat();
    }

    // ---- whole-array loops (one index, distinct arrays: the JIT vectorises these) ----

    private static void add(float[] x, float[] y, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] + y[i];
        }
    }

    private static void sub(float[] x, float[] y, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] - y[i];
        }
    }

    private static void neg(float[] x, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = -x[i];
        }
    }

    /** z = x + y + w. */
    private static void add3(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] + y[i] + w[i];
        }
    }

    /** z = x − y − w. */
    private static void subSub(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] - y[i] - w[i];
        }
    }

    /** z = x − y + w. */
    private static void subAdd(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] - y[i] + w[i];
        }
    }

    /** z = −x + y + w. */
    private static void negAdd(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = -x[i] + y[i] + w[i];
        }
    }

    /** z = (x + y + w)·½. */
    private static void half3(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = (x[i] + y[i] + w[i]) * 0.5f;
        }
    }

    /** z = (x − y + w)·½. */
    private static void halfSubAdd(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = (x[i] - y[i] + w[i]) * 0.5f;
        }
    }

    /** z = x + (y + w)·½. */
    private static void addHalf(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] + (y[i] + w[i]) * 0.5f;
        }
    }

    /** z = (x − y)·½. */
    private static void halfSub(float[] x, float[] y, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = (x[i] - y[i]) * 0.5f;
        }
    }

    /** z = (x + y)·½ + w. */
    private static void halfAdd(float[] x, float[] y, float[] w, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = (x[i] + y[i]) * 0.5f + w[i];
        }
    }

    /** z = ((x + y) + w) + v. */
    private static void add4(float[] x, float[] y, float[] w, float[] v, float[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = x[i] + y[i] + w[i] + v[i];
        }
    }

    /** z[0, s) = 0, z[s, n) = x[0, n − s). */
    private static void shift(float[] x, int s, float[] z, int n) {
        java.util.Arrays.fill(z, 0, s, 0f);
        System.arraycopy(x, 0, z, s, n - s);
    }

    // ---- the transforms' arithmetic, shared by both layouts (whole arrays of n elements) ----

    /** yq[2p + q] ← (Aᵀ M A)[p][q] from the 16 points mt[ξ], Aᵀ = [[1,1,1,0], [0,1,−1,−1]]: rows (s0, s1), then columns. */
    private static void outputTile(float[][] mt, float[][] s0, float[][] s1, float[][] yq, int n) {
        for (int b = 0; b < 4; b++) {
            add3(mt[b], mt[4 + b], mt[8 + b], s0[b], n);
            subSub(mt[4 + b], mt[8 + b], mt[12 + b], s1[b], n);
        }
        add3(s0[0], s0[1], s0[2], yq[0], n);
        subSub(s0[1], s0[2], s0[3], yq[1], n);
        add3(s1[0], s1[1], s1[2], yq[2], n);
        subSub(s1[1], s1[2], s1[3], yq[3], n);
    }

    /**
     * The rows of A dY, two columns each (r[2a + q], a = 0..3, from dY's phases yq[2p + q]): (y0·),
     * (y0· + y1·), (y0· − y1·), (−y1·); r[0] and r[1] are yq[0] and yq[1] themselves.
     */
    private static void gradRows(float[][] yq, float[][] r, int n) {
        r[0] = yq[0];
        r[1] = yq[1];
        add(yq[0], yq[2], r[2], n);
        add(yq[1], yq[3], r[3], n);
        sub(yq[0], yq[2], r[4], n);
        sub(yq[1], yq[3], r[5], n);
        neg(yq[2], r[6], n);
        neg(yq[3], r[7], n);
    }

    /**
     * z[4k + l] ← (B dV Bᵀ)[k][l] from the 16 points v[ξ] (B = (Bᵀ)ᵀ: rows of B dV are (v0),
     * (v1 − v2 + v3), (−v0 + v1 + v2), (−v3), the same on the columns); rw holds the rows (rw[4..11]
     * its own arrays, rw[0..3] and rw[12..15] set to v's).
     */
    private static void patchGradients(float[][] v, float[][] rw, float[][] z, int n) {
        for (int b = 0; b < 4; b++) {
            rw[b] = v[b];
            subAdd(v[4 + b], v[8 + b], v[12 + b], rw[4 + b], n);
            negAdd(v[b], v[4 + b], v[8 + b], rw[8 + b], n);
            rw[12 + b] = v[12 + b]; // negated below, in the columns
        }
        for (int k = 0; k < 4; k++) {
            float[] r0 = rw[4 * k];
            float[] r1 = rw[4 * k + 1];
            float[] r2 = rw[4 * k + 2];
            float[] r3 = rw[4 * k + 3];
            if (k < 3) {
                System.arraycopy(r0, 0, z[4 * k], 0, n);
                subAdd(r1, r2, r3, z[4 * k + 1], n);
                negAdd(r0, r1, r2, z[4 * k + 2], n);
                neg(r3, z[4 * k + 3], n);
            } else { // row 3 of B dV is −v3: its columns are −(v3 Bᵀ)
                neg(r0, z[12], n);
                subAdd(r1, r2, r3, z[13], n);
                neg(z[13], z[13], n);
                negAdd(r0, r1, r2, z[14], n);
                neg(z[14], z[14], n);
                System.arraycopy(r3, 0, z[15], 0, n);
            }
        }
    }

    /**
     * The padded plane's phases ph[2p + q] at tile (m, n) = patch point (p, q) of tile (m, n) + (p, q + 2)
     * of (m, n − 1) + (p + 2, q) of (m − 1, n) + (p + 2, q + 2) of (m − 1, n − 1), in this order: the
     * patch arrays z on a grid with a spare (0) tile at the end of each row and a spare row, shifted by
     * one tile ({@code tile} elements), one row of tiles ({@code row}) and both.
     */
    private static void overlaps(float[][] z, int tile, int row, float[] sh1, float[] sh2, float[] sh3, float[][] ph, int n) {
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 2; q++) {
                shift(z[4 * p + q + 2], tile, sh1, n);
                shift(z[4 * (p + 2) + q], row, sh2, n);
                shift(z[4 * (p + 2) + q + 2], row + tile, sh3, n);
                add4(z[4 * p + q], sh1, sh2, sh3, ph[2 * p + q], n);
            }
        }
    }

    // ---- JIT warm-up ----

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts, once per process, a daemon thread that runs this path's transforms (not its GEMMs: no
     * BLAS call, no thread team) on private arrays of two small shapes, one per way between the plane
     * arrays and the operands, for at most 300 rounds or 1.5 s, so that the JIT compiles them while a
     * run loads its data rather than during its first steps on the cores the steps need (measured:
     * the Winograd path's first steps at two threads; docs/trainer-benchmark.md). It touches no array
     * of the run, so no result changes; {@code -Dgradreg.warmUp=false} switches it off.
     */
    static void warmUpInBackground() {
        WarmUp.start(WARMING, "gradreg-winograd-warm-up", Winograd::warmUp);
    }

    /** The warm-up's work, on the calling thread (package-private for its test). */
    static void warmUp() {
        ConvShape[] shapes = {new ConvShape(2, 8, 32, 32, 8, 3, 1, 1), new ConvShape(8, 8, 8, 8, 8, 3, 1, 1)};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261208);
        Winograd wg = new Winograd();
        Scratch sc = new Scratch();
        long deadline = System.nanoTime() + 1_500_000_000L;
        INDArray[][] arrays = new INDArray[shapes.length][];
        for (int k = 0; k < shapes.length; k++) {
            ConvShape s = shapes[k];
            float[] x = new float[s.batch() * s.in() * s.height() * s.width()];
            float[] w = new float[9 * s.in() * s.out()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-1, 1);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextDouble(-1, 1);
            }
            arrays[k] = new INDArray[] {Nd4j.createFromArray(x).reshape(s.batch(), s.in(), s.height(), s.width()),
                Nd4j.createFromArray(w).reshape(3, 3, s.in(), s.out()), Nd4j.create(DataType.FLOAT, 3, 3, s.in(), s.out()),
                Nd4j.create(DataType.FLOAT, s.batch(), s.in(), s.height(), s.width())};
        }
        for (int round = 0; round < 300 && System.nanoTime() < deadline; round++) {
            for (int k = 0; k < shapes.length; k++) {
                ConvShape s = shapes[k];
                FloatBuffer xb = f(arrays[k][0]);
                FloatBuffer yb = f(arrays[k][3]);
                int g = group(s);
                wg.kernelTransform(s, arrays[k][1]);
                inputTransform(s, xb, 0, 0, g, sc);
                outputTransform(s, sc, yb, 0, 0, g);
                gradTransform(s, xb, 0, 0, g, sc);                      // x as dy (the same shape: in = out)
                inputGradTransform(s, sc, yb, 0, 0, g);
                wg.du = grow(wg.du, (long) XI * s.in() * s.out());
                wg.kernelGradTransform(s, arrays[k][2], 1);
            }
        }
        java.lang.ref.Reference.reachabilityFence(arrays); // the buffers above are views of these arrays' native memory
    }

    // ---- between the per-plane arrays and the native GEMM operands ----

    /** Planes of at least this many slots go straight between their arrays and the native operand; smaller ones through a heap copy of the group. */
    static final int DIRECT = 64;

    /** Point xi's slice [at, at + n) of the operand ([ξ][rows][N], size elements a point) ← src. */
    private static void store(float[] src, boolean direct, FloatBuffer nb, float[][] big, int xi, int size, int at, int n) {
        if (direct) {
            nb.put(xi * size + at, src, 0, n);
        } else {
            System.arraycopy(src, 0, big[xi], at, n);
        }
    }

    /** The heap copy of the group into the operand (nothing when direct). */
    private static void flush(boolean direct, FloatBuffer nb, float[][] big, int size) {
        for (int xi = 0; xi < XI && !direct; xi++) {
            nb.put(xi * size, big[xi], 0, size);
        }
    }

    /** The operand's heap copy (null when direct: slices are read straight from it). */
    private static float[][] fetch(boolean direct, FloatBuffer nb, Scratch sc, int size) {
        float[][] big = new float[XI][];
        for (int xi = 0; xi < XI && !direct; xi++) {
            big[xi] = sc.big(xi, size);
            nb.get(xi * size, big[xi], 0, size);
        }
        return big;
    }

    /** dst[0, n) ← point xi's slice [at, at + n) of the operand. */
    private static void load(boolean direct, FloatBuffer nb, float[][] big, int xi, int size, int at, float[] dst, int n) {
        if (direct) {
            nb.get(xi * size + at, dst, 0, n);
        } else {
            System.arraycopy(big[xi], at, dst, 0, n);
        }
    }

    // ---- forward ----

    /** y ← conv(x, w), x [n, in, h, w], w [3, 3, in, out], y [n, out, h, w]. */
    void forward(ConvShape s, INDArray x, INDArray w, INDArray y) {
        int n = s.batch();
        int g = group(s);
        int groups = (n + g - 1) / g;
        kernelTransform(s, w);
        Blas.oneThread();
        int threads = threads();
        FloatBuffer xb = f(x);
        FloatBuffer yb = f(y);
        int xo = (int) x.offset();
        int yo = (int) y.offset();
        if (groups >= threads || threads == 1) {
            Im2col.each(groups, j -> {
                Scratch sc = SCRATCH.get();
                int e0 = j * g;
                int e1 = Math.min(n, e0 + g);
                inputTransform(s, xb, xo, e0, e1, sc);
                for (int xi = 0; xi < XI; xi++) {
                    forwardGemm(s, sc, e1 - e0, xi);
                }
                outputTransform(s, sc, yb, yo, e0, e1);
            });
            return;
        }
        Scratch sc = SCRATCH.get();
        for (int j = 0; j < groups; j++) {
            int e0 = j * g;
            int e1 = Math.min(n, e0 + g);
            inputTransform(s, xb, xo, e0, e1, sc);
            int ne = e1 - e0;
            Im2col.each(XI, xi -> forwardGemm(s, sc, ne, xi));
            outputTransform(s, sc, yb, yo, e0, e1);
        }
    }

    /** M[ξ] [out × N] = U[ξ]ᵀ [out × in] · V[ξ] [in × N] (U kept as [ξ][in][out]). */
    private void forwardGemm(ConvShape s, Scratch sc, int examples, int xi) {
        int cin = s.in();
        int cout = s.out();
        int cols = examples * slots(s);
        if (channelsLast(s)) { // M[ξ] [N × out] = V[ξ] [N × in] · U[ξ] [in × out]
            Blas.call(false, NT, NT, cols, cout, cin, 1.0, sc.v.addressPointer(), (long) xi * cin * cols, cin,
                    u.addressPointer(), (long) xi * cout * cin, cout, 0.0, sc.m.addressPointer(), (long) xi * cout * cols, cout);
            return;
        }
        Blas.call(false, TR, NT, cout, cols, cin, 1.0, u.addressPointer(), (long) xi * cout * cin, cout,
                sc.v.addressPointer(), (long) xi * cin * cols, cols, 0.0, sc.m.addressPointer(), (long) xi * cout * cols, cols);
    }

    /** The (in, out) pairs [lo, hi) of part t of {@code parts}. */
    private static int cut(int per, int t, int parts) {
        return (int) ((long) per * t / parts);
    }

    /**
     * U[ξ][c][o] = (G g Gᵀ)[ξ] for the kernel g = w[·, ·, c, o], G = [[1,0,0], [½,½,½], [½,−½,½],
     * [0,0,1]]: the rows of G g (g0, (g0 + g1 + g2)·½, (g0 − g1 + g2)·½, g2 of each column), then
     * each row (r0, r1, r2) → (r0, (r0 + r1 + r2)·½, (r0 − r1 + r2)·½, r2); loops over the (c, o)
     * pairs, split over the threads (element by element: no bit depends on the split).
     */
    private void kernelTransform(ConvShape s, INDArray w) {
        int per = s.in() * s.out();
        u = grow(u, (long) XI * per);
        FloatBuffer wb = f(w);
        FloatBuffer ub = u.asNioFloat();
        int wo = (int) w.offset();
        int parts = Math.min(threads(), Math.max(1, per / 16384));
        Im2col.each(parts, t -> {
            int lo = cut(per, t, parts);
            int n = cut(per, t + 1, parts) - lo;
            Scratch sc = SCRATCH.get();
            float[][] g = new float[9][];
            for (int i = 0; i < 9; i++) {
                g[i] = sc.k(i, n);
                wb.get(wo + i * per + lo, g[i], 0, n);
            }
            float[][] r = new float[12][]; // r[a·3 + j]: row a of G g, column j
            for (int j = 0; j < 3; j++) {
                r[j] = g[j];
                r[3 + j] = sc.k(9 + j, n);
                half3(g[j], g[3 + j], g[6 + j], r[3 + j], n);
                r[6 + j] = sc.k(12 + j, n);
                halfSubAdd(g[j], g[3 + j], g[6 + j], r[6 + j], n);
                r[9 + j] = g[6 + j];
            }
            float[] t1 = sc.k(15, n);
            float[] t2 = sc.k(16, n);
            for (int a = 0; a < 4; a++) {
                float[] r0 = r[3 * a];
                float[] r1 = r[3 * a + 1];
                float[] r2 = r[3 * a + 2];
                half3(r0, r1, r2, t1, n);
                halfSubAdd(r0, r1, r2, t2, n);
                ub.put((4 * a) * per + lo, r0, 0, n);
                ub.put((4 * a + 1) * per + lo, t1, 0, n);
                ub.put((4 * a + 2) * per + lo, t2, 0, n);
                ub.put((4 * a + 3) * per + lo, r2, 0, n);
            }
        });
    }

    /**
     * V[ξ][c][slot] = (Bᵀ d B)[ξ] for examples [e0, e1), Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0],
     * [0,1,0,−1]]; d is the 4×4 patch at rows 2i−1..2i+2, columns 2j−1..2j+2 of the plane (0 outside).
     * Per plane: its padded even and odd rows E, O (rows 2m and 2m + 1 of the zero-padded plane) and
     * the same one row on (Es, Os) give Bᵀ's rows for every tile row at once (E − Es, O + Es, Es − O,
     * O − Os); each is split into its even and odd columns (Ve, Vo, and one slot on: Ves, Vos), which
     * give B's columns for every tile (Ve − Ves, Vo + Ves, Ves − Vo, Vo − Vos).
     */
    private static void inputTransform(ConvShape s, FloatBuffer xb, int xo, int e0, int e1, Scratch sc) {
        if (channelsLast(s)) {
            ChannelsLast.input(s, xb, xo, e0, e1, sc);
            return;
        }
        int cin = s.in();
        int h = s.height();
        int w = s.width();
        int th = tilesHigh(s);
        int tr = tilesWide(s) + 1;
        int per = th * tr;
        int cols = (e1 - e0) * per;
        int pw = 2 * tr;               // padded row width (2·tw + 2)
        int rows = th * pw;
        sc.plane = grow(sc.plane, cin * h * w);
        float[] pl = sc.plane;
        float[] ev = sc.t(0, (th + 1) * pw);
        float[] od = sc.t(1, (th + 1) * pw);
        java.util.Arrays.fill(ev, 0, (th + 1) * pw, 0f);
        java.util.Arrays.fill(od, 0, (th + 1) * pw, 0f);
        float[] es = sc.t(2, rows);
        float[] os = sc.t(3, rows);
        float[][] vert = {sc.t(4, rows), sc.t(5, rows), sc.t(6, rows), sc.t(7, rows)};
        float[] ve = sc.t(8, per + 1);
        float[] vo = sc.t(9, per + 1);
        float[] ves = sc.t(10, per);
        float[] vos = sc.t(11, per);
        float[] out = sc.t(12, per);
        boolean direct = per >= DIRECT;
        float[][] big = new float[XI][];
        for (int xi = 0; xi < XI && !direct; xi++) {
            big[xi] = sc.big(xi, cin * cols);
        }
        sc.v = grow(sc.v, (long) XI * cin * cols);
        FloatBuffer vb = sc.v.asNioFloat();
        for (int e = e0; e < e1; e++) {
            xb.get(xo + e * cin * h * w, pl, 0, cin * h * w);
            for (int c = 0; c < cin; c++) {
                int plane = c * h * w;
                for (int m = 0; m <= th; m++) {
                    int re = 2 * m - 1; // the input row of padded row 2m
                    if (re >= 0 && re < h) {
                        System.arraycopy(pl, plane + re * w, ev, m * pw + 1, w);
                    }
                    int ro = 2 * m;     // of padded row 2m + 1
                    if (ro < h) {
                        System.arraycopy(pl, plane + ro * w, od, m * pw + 1, w);
                    }
                }
                System.arraycopy(ev, pw, es, 0, rows);
                System.arraycopy(od, pw, os, 0, rows);
                sub(ev, es, vert[0], rows);
                add(od, es, vert[1], rows);
                sub(es, od, vert[2], rows);
                sub(od, os, vert[3], rows);
                int at = c * cols + (e - e0) * per;
                for (int a = 0; a < 4; a++) {
                    float[] va = vert[a];
                    for (int q = 0; q < per; q++) {
                        ve[q] = va[2 * q];
                        vo[q] = va[2 * q + 1];
                    }
                    ve[per] = 0f;
                    vo[per] = 0f;
                    System.arraycopy(ve, 1, ves, 0, per);
                    System.arraycopy(vo, 1, vos, 0, per);
                    sub(ve, ves, out, per);
                    store(out, direct, vb, big, 4 * a, cin * cols, at, per);
                    add(vo, ves, out, per);
                    store(out, direct, vb, big, 4 * a + 1, cin * cols, at, per);
                    sub(ves, vo, out, per);
                    store(out, direct, vb, big, 4 * a + 2, cin * cols, at, per);
                    sub(vo, vos, out, per);
                    store(out, direct, vb, big, 4 * a + 3, cin * cols, at, per);
                }
            }
        }
        flush(direct, vb, big, cin * cols);
        sc.m = grow(sc.m, (long) XI * Math.max(cin, s.out()) * cols);
    }

    /** y (examples [e0, e1)) ← Aᵀ M A per tile, Aᵀ = [[1,1,1,0], [0,1,−1,−1]] (rows, then columns), cropped to the plane. */
    private static void outputTransform(ConvShape s, Scratch sc, FloatBuffer yb, int yo, int e0, int e1) {
        if (channelsLast(s)) {
            ChannelsLast.output(s, sc, yb, yo, e0, e1);
            return;
        }
        int cout = s.out();
        int h = s.height();
        int w = s.width();
        int th = tilesHigh(s);
        int tr = tilesWide(s) + 1;
        int per = th * tr;
        int cols = (e1 - e0) * per;
        FloatBuffer mb = sc.m.asNioFloat();
        boolean direct = per >= DIRECT;
        float[][] big = fetch(direct, mb, sc, cout * cols);
        int plane = cout * h * w;
        sc.plane = grow(sc.plane, plane);
        float[] out = sc.plane;
        float[][] mt = new float[XI][];
        for (int xi = 0; xi < XI; xi++) {
            mt[xi] = sc.t(xi, per);
        }
        float[][] s0 = {sc.t(16, per), sc.t(17, per), sc.t(18, per), sc.t(19, per)};
        float[][] s1 = {sc.t(20, per), sc.t(21, per), sc.t(22, per), sc.t(23, per)};
        float[][] yq = {sc.t(24, per), sc.t(25, per), sc.t(26, per), sc.t(27, per)};
        for (int e = e0; e < e1; e++) {
            for (int o = 0; o < cout; o++) {
                int at = o * cols + (e - e0) * per;
                for (int xi = 0; xi < XI; xi++) {
                    load(direct, mb, big, xi, cout * cols, at, mt[xi], per);
                }
                outputTile(mt, s0, s1, yq, per);
                interleave(out, o * h * w, h, w, th, tr, yq, true);
            }
            yb.put(yo + e * plane, out, 0, plane);
        }
    }

    /**
     * Between a plane and its four phases yq[2p + q][i·tr + j] = plane[(2i + p)·w + 2j + q], for the
     * positions inside the plane: into the plane ({@code toPlane}, the output transform's scatter) or
     * into the phases (the gradient transform's gather; the other slots are left as they are, 0).
     */
    private static void interleave(float[] plane, int at, int h, int w, int th, int tr, float[][] yq, boolean toPlane) {
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < th; i++) {
                int r = 2 * i + p;
                if (r >= h) {
                    continue;
                }
                int row = at + r * w;
                for (int q = 0; q < 2; q++) {
                    float[] ph = yq[2 * p + q];
                    int slot = i * tr;
                    int jn = (w - q + 1) / 2; // tile columns whose column 2j + q is inside
                    if (toPlane) {
                        for (int j = 0; j < jn; j++) {
                            plane[row + 2 * j + q] = ph[slot + j];
                        }
                    } else {
                        for (int j = 0; j < jn; j++) {
                            ph[slot + j] = plane[row + 2 * j + q];
                        }
                    }
                }
            }
        }
    }

    // ---- backward ----

    /** The most runs of groups the backward splits the kernel gradient's sum into (a function of the shape: ≤ this many partial sums in memory). */
    static final int RUNS = 4;

    /**
     * dw ← ∂/∂w and (dx non-null) dx ← ∂/∂x of Σ dy ⊙ conv(x, w) (both overwritten). The groups are
     * cut into min(groups, {@link #RUNS}) contiguous runs (by the shape alone), shared out over the
     * threads; a run sums its groups' shares of dU in order (one GEMM per group and point, β = 0 for
     * its first group, 1 after) into its own buffer, and the runs' sums are added to dU in run order
     * (run 0's buffer is dU itself), so every bit is the same at every thread count.
     */
    void backward(ConvShape s, INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray dx) {
        int n = s.batch();
        int g = group(s);
        int groups = (n + g - 1) / g;
        int runs = Math.min(groups, RUNS);
        int per = s.in() * s.out();
        kernelTransform(s, w);
        du = grow(du, (long) XI * per);
        if (parts.length < runs) {
            parts = java.util.Arrays.copyOf(parts, runs);
        }
        for (int r = 1; r < runs; r++) {
            parts[r] = grow(parts[r], (long) XI * per);
        }
        parts[0] = du;
        DataBuffer[] part = parts;
        Blas.oneThread();
        FloatBuffer xb = f(x);
        FloatBuffer dyb = f(dy);
        FloatBuffer dxb = dx == null ? null : f(dx);
        int xo = (int) x.offset();
        int dyo = (int) dy.offset();
        int dxo = dx == null ? 0 : (int) dx.offset();
        Im2col.each(runs, r -> {
            Scratch sc = SCRATCH.get();
            for (int j = groups * r / runs; j < groups * (r + 1) / runs; j++) {
                int e0 = j * g;
                int e1 = Math.min(n, e0 + g);
                inputTransform(s, xb, xo, e0, e1, sc);
                gradTransform(s, dyb, dyo, e0, e1, sc);
                boolean add = j > groups * r / runs;
                for (int xi = 0; xi < XI; xi++) {
                    kernelGradGemm(s, sc, e1 - e0, xi, part[r], add);
                }
                if (dx != null) {
                    for (int xi = 0; xi < XI; xi++) {
                        inputGradGemm(s, sc, e1 - e0, xi);
                    }
                    inputGradTransform(s, sc, dxb, dxo, e0, e1);
                }
            }
        });
        kernelGradTransform(s, dw, runs);
        parts[0] = null;
    }

    /** P[ξ] [in × out] (+)= V[ξ] [in × N] · dM[ξ]ᵀ [N × out] (the spare slots of dM are 0). */
    private void kernelGradGemm(ConvShape s, Scratch sc, int examples, int xi, DataBuffer part, boolean add) {
        int cin = s.in();
        int cout = s.out();
        int cols = examples * slots(s);
        if (channelsLast(s)) { // P[ξ] [in × out] (+)= V[ξ]ᵀ [in × N] · dM[ξ] [N × out]
            Blas.call(false, TR, NT, cin, cout, cols, 1.0, sc.v.addressPointer(), (long) xi * cin * cols, cin,
                    sc.m.addressPointer(), (long) xi * cout * cols, cout, add ? 1.0 : 0.0, part.addressPointer(), (long) xi * cin * cout, cout);
            return;
        }
        Blas.call(false, NT, TR, cin, cout, cols, 1.0, sc.v.addressPointer(), (long) xi * cin * cols, cols,
                sc.m.addressPointer(), (long) xi * cout * cols, cols, add ? 1.0 : 0.0, part.addressPointer(), (long) xi * cin * cout, cout);
    }

    /** dV[ξ] [in × N] = U[ξ] [in × out] · dM[ξ] [out × N] (into the V buffer). */
    private void inputGradGemm(ConvShape s, Scratch sc, int examples, int xi) {
        int cin = s.in();
        int cout = s.out();
        int cols = examples * slots(s);
        if (channelsLast(s)) { // dV[ξ] [N × in] = dM[ξ] [N × out] · U[ξ]ᵀ [out × in]
            Blas.call(false, NT, TR, cols, cin, cout, 1.0, sc.m.addressPointer(), (long) xi * cout * cols, cout,
                    u.addressPointer(), (long) xi * cin * cout, cout, 0.0, sc.v.addressPointer(), (long) xi * cin * cols, cin);
            return;
        }
        Blas.call(false, NT, NT, cin, cols, cout, 1.0, u.addressPointer(), (long) xi * cin * cout, cout,
                sc.m.addressPointer(), (long) xi * cout * cols, cols, 0.0, sc.v.addressPointer(), (long) xi * cin * cols, cols);
    }

    /**
     * dM[ξ][o][slot] = (A dY Aᵀ)[ξ] per output tile (positions outside the plane and the spare slots
     * 0), A = [[1,0], [1,1], [1,−1], [0,−1]]: the rows of A dY are (y0·), (y0· + y1·), (y0· − y1·),
     * (−y1·), then each row (u, v) → (u, u + v, u − v, −v), over dY's four phases y_pq[i·tr + j] = dY[2i + p][2j + q].
     */
    private static void gradTransform(ConvShape s, FloatBuffer dyb, int dyo, int e0, int e1, Scratch sc) {
        if (channelsLast(s)) {
            ChannelsLast.grad(s, dyb, dyo, e0, e1, sc);
            return;
        }
        int cout = s.out();
        int h = s.height();
        int w = s.width();
        int th = tilesHigh(s);
        int tr = tilesWide(s) + 1;
        int per = th * tr;
        int cols = (e1 - e0) * per;
        int plane = cout * h * w;
        sc.plane = grow(sc.plane, plane);
        float[] d = sc.plane;
        float[][] yq = {sc.t(0, per), sc.t(1, per), sc.t(2, per), sc.t(3, per)};
        for (float[] a : yq) {
            java.util.Arrays.fill(a, 0, per, 0f);
        }
        float[][] r = {null, null, sc.t(4, per), sc.t(5, per), sc.t(6, per), sc.t(7, per), sc.t(8, per), sc.t(9, per)};
        float[] out = sc.t(10, per);
        boolean direct = per >= DIRECT;
        float[][] big = new float[XI][];
        for (int xi = 0; xi < XI && !direct; xi++) {
            big[xi] = sc.big(xi, cout * cols);
        }
        sc.m = grow(sc.m, (long) XI * Math.max(s.in(), cout) * cols);
        FloatBuffer mb = sc.m.asNioFloat();
        for (int e = e0; e < e1; e++) {
            dyb.get(dyo + e * plane, d, 0, plane);
            for (int o = 0; o < cout; o++) {
                interleave(d, o * h * w, h, w, th, tr, yq, false);
                gradRows(yq, r, per);
                int at = o * cols + (e - e0) * per;
                for (int a = 0; a < 4; a++) {
                    float[] u0 = r[2 * a];
                    float[] v0 = r[2 * a + 1];
                    store(u0, direct, mb, big, 4 * a, cout * cols, at, per);
                    add(u0, v0, out, per);
                    store(out, direct, mb, big, 4 * a + 1, cout * cols, at, per);
                    sub(u0, v0, out, per);
                    store(out, direct, mb, big, 4 * a + 2, cout * cols, at, per);
                    neg(v0, out, per);
                    store(out, direct, mb, big, 4 * a + 3, cout * cols, at, per);
                }
            }
        }
        flush(direct, mb, big, cout * cols);
        sc.v = grow(sc.v, (long) XI * s.in() * cols);
    }

    /**
     * dx (examples [e0, e1), overwritten) ← Σ over tiles of B dV Bᵀ placed on each tile's patch
     * (B = (Bᵀ)ᵀ: rows of B dV are (v0), (v1 − v2 + v3), (−v0 + v1 + v2), (−v3), the same on the
     * columns): the padded plane's phase (p, q) at slot (m, n) sums the patch points (p, q) of tile
     * (m, n), (p, q + 2) of (m, n − 1), (p + 2, q) of (m − 1, n) and (p + 2, q + 2) of (m − 1, n − 1),
     * i.e. the patch arrays shifted by 0, 1, tr and tr + 1 slots; the padding's share is dropped.
     */
    private static void inputGradTransform(ConvShape s, Scratch sc, FloatBuffer dxb, int dxo, int e0, int e1) {
        if (channelsLast(s)) {
            ChannelsLast.inputGrad(s, sc, dxb, dxo, e0, e1);
            return;
        }
        int cin = s.in();
        int h = s.height();
        int w = s.width();
        int th = tilesHigh(s);
        int tr = tilesWide(s) + 1;
        int per = th * tr;
        int all = (th + 1) * tr;
        int cols = (e1 - e0) * per;
        FloatBuffer vb = sc.v.asNioFloat();
        boolean direct = per >= DIRECT;
        float[][] big = fetch(direct, vb, sc, cin * cols);
        sc.plane = grow(sc.plane, cin * h * w);
        float[] out = sc.plane;
        float[][] v = new float[XI][];
        for (int xi = 0; xi < XI; xi++) {
            v[xi] = sc.t(xi, per);
        }
        float[][] rw = new float[XI][];   // rows of B dV: rw[4k + b]
        for (int b = 0; b < 4; b++) {
            rw[4 + b] = sc.t(16 + b, per);
            rw[8 + b] = sc.t(20 + b, per);
        }
        float[][] z = new float[XI][];    // patch points z[4k + l], `all` slots (0 past per)
        for (int xi = 0; xi < XI; xi++) {
            z[xi] = sc.t(24 + xi, all);
        }
        float[] sh1 = sc.t(40, all);
        float[] sh2 = sc.t(41, all);
        float[] sh3 = sc.t(42, all);
        float[][] ph = {sc.t(43, all), sc.t(44, all), sc.t(45, all), sc.t(46, all)};
        for (int e = e0; e < e1; e++) {
            for (int c = 0; c < cin; c++) {
                int at = c * cols + (e - e0) * per;
                for (int xi = 0; xi < XI; xi++) {
                    load(direct, vb, big, xi, cin * cols, at, v[xi], per);
                }
                patchGradients(v, rw, z, per);
                for (float[] zk : z) {
                    java.util.Arrays.fill(zk, per, all, 0f);
                }
                overlaps(z, 1, tr, sh1, sh2, sh3, ph, all);
                // dx[y][x] = padded (y + 1, x + 1) = phase ((y + 1) mod 2, (x + 1) mod 2) at slot ((y + 1) div 2, (x + 1) div 2)
                int plane = c * h * w;
                for (int y = 0; y < h; y++) {
                    int p = (y + 1) & 1;
                    int m = (y + 1) >> 1;
                    float[] even = ph[2 * p + 1]; // x even: x + 1 odd → q = 1, n = x / 2
                    float[] odd = ph[2 * p];      // x odd: q = 0, n = (x + 1) / 2
                    int row = plane + y * w;
                    int slot = m * tr;
                    for (int x = 0; x < w; x += 2) {
                        out[row + x] = even[slot + (x >> 1)];
                    }
                    for (int x = 1; x < w; x += 2) {
                        out[row + x] = odd[slot + ((x + 1) >> 1)];
                    }
                }
            }
            dxb.put(dxo + e * cin * h * w, out, 0, cin * h * w);
        }
    }

    /**
     * dw[ki][kj][c][o] ← (Gᵀ dU G) for every (c, o), Gᵀ = [[1,½,½,0], [0,½,−½,0], [0,½,½,1]]: rows
     * (u0 + (u1 + u2)·½, (u1 − u2)·½, (u1 + u2)·½ + u3), then the same on the columns; loops over
     * the (c, o) pairs, split over the threads, after dU += the other runs' sums (run order) on the same split.
     */
    private void kernelGradTransform(ConvShape s, INDArray dw, int runs) {
        int per = s.in() * s.out();
        FloatBuffer db = du.asNioFloat();
        FloatBuffer wb = f(dw);
        int wo = (int) dw.offset();
        DataBuffer[] part = parts;
        int parts = Math.min(threads(), Math.max(1, per / 16384));
        Im2col.each(parts, t -> {
            int lo = cut(per, t, parts);
            int n = cut(per, t + 1, parts) - lo;
            for (int xi = 0; xi < XI; xi++) {
                FloatPointer y = new FloatPointer(du.addressPointer()).position((long) xi * per + lo);
                for (int r = 1; r < runs; r++) { // dU += run r: x + y, one rounding
                    openblas_nolapack.cblas_saxpy(n, 1f, new FloatPointer(part[r].addressPointer()).position((long) xi * per + lo), 1, y, 1);
                }
            }
            Scratch sc = SCRATCH.get();
            float[][] d = new float[XI][];
            for (int xi = 0; xi < XI; xi++) {
                d[xi] = sc.k(xi, n);
                db.get(xi * per + lo, d[xi], 0, n);
            }
            float[][] r = new float[12][]; // r[4k + b], k < 3: rows of Gᵀ dU
            for (int b = 0; b < 4; b++) {
                r[b] = sc.k(16 + b, n);
                r[4 + b] = sc.k(20 + b, n);
                r[8 + b] = sc.k(24 + b, n);
                addHalf(d[b], d[4 + b], d[8 + b], r[b], n);
                halfSub(d[4 + b], d[8 + b], r[4 + b], n);
                halfAdd(d[4 + b], d[8 + b], d[12 + b], r[8 + b], n);
            }
            float[] out = d[0]; // no longer needed
            for (int a = 0; a < 3; a++) {
                float[] q0 = r[4 * a];
                float[] q1 = r[4 * a + 1];
                float[] q2 = r[4 * a + 2];
                float[] q3 = r[4 * a + 3];
                addHalf(q0, q1, q2, out, n);
                wb.put(wo + (3 * a) * per + lo, out, 0, n);
                halfSub(q1, q2, out, n);
                wb.put(wo + (3 * a + 1) * per + lo, out, 0, n);
                halfAdd(q1, q2, q3, out, n);
                wb.put(wo + (3 * a + 2) * per + lo, out, 0, n);
            }
        });
    }

    /**
     * The transforms of the channels-last layout ({@link #channelsLast}): each example's plane is
     * moved to height × width × channels (zero padding around), the 16 points of every tile's patch
     * are copied out as rows of channels, and each transform is the planar layout's arithmetic
     * (the same operations in the same order per element) as loops over whole arrays of
     * tiles × channels; the operands are [ξ][N][channels], one example's tiles a contiguous block.
     */
    private static final class ChannelsLast {
        private ChannelsLast() {
        }

        /** V[ξ] rows of examples [e0, e1) ← Bᵀ d B of every tile (rows, then columns, as the planar form). */
        static void input(ConvShape s, FloatBuffer xb, int xo, int e0, int e1, Scratch sc) {
            int cin = s.in();
            int h = s.height();
            int w = s.width();
            int th = tilesHigh(s);
            int tw = tilesWide(s);
            int tiles = th * tw;
            int cols = (e1 - e0) * tiles;
            int len = tiles * cin;
            int pw = 2 * tw + 2;
            int padded = (2 * th + 2) * pw * cin;
            sc.plane = grow(sc.plane, cin * h * w);
            float[] pl = sc.plane;
            float[] hwc = sc.t(0, padded);
            java.util.Arrays.fill(hwc, 0, padded, 0f);
            float[][] d = new float[XI][];
            float[][] r = new float[XI][];
            for (int k = 0; k < XI; k++) {
                d[k] = sc.t(1 + k, len);
                r[k] = sc.t(17 + k, len);
            }
            float[] out = sc.t(33, len);
            sc.v = grow(sc.v, (long) XI * cin * cols);
            FloatBuffer vb = sc.v.asNioFloat();
            for (int e = e0; e < e1; e++) {
                xb.get(xo + e * cin * h * w, pl, 0, cin * h * w);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int at = ((y + 1) * pw + x + 1) * cin;
                        int from = y * w + x;
                        for (int c = 0; c < cin; c++) {
                            hwc[at + c] = pl[from + c * h * w];
                        }
                    }
                }
                for (int i = 0; i < th; i++) {
                    for (int j = 0; j < tw; j++) {
                        int t = (i * tw + j) * cin;
                        for (int a = 0; a < 4; a++) {
                            for (int b = 0; b < 4; b++) {
                                System.arraycopy(hwc, ((2 * i + a) * pw + 2 * j + b) * cin, d[4 * a + b], t, cin);
                            }
                        }
                    }
                }
                for (int b = 0; b < 4; b++) { // rows: d0 − d2, d1 + d2, d2 − d1, d1 − d3
                    sub(d[b], d[8 + b], r[b], len);
                    add(d[4 + b], d[8 + b], r[4 + b], len);
                    sub(d[8 + b], d[4 + b], r[8 + b], len);
                    sub(d[4 + b], d[12 + b], r[12 + b], len);
                }
                int at = (e - e0) * len;
                for (int a = 0; a < 4; a++) { // columns, the same
                    sub(r[4 * a], r[4 * a + 2], out, len);
                    vb.put((4 * a) * cin * cols + at, out, 0, len);
                    add(r[4 * a + 1], r[4 * a + 2], out, len);
                    vb.put((4 * a + 1) * cin * cols + at, out, 0, len);
                    sub(r[4 * a + 2], r[4 * a + 1], out, len);
                    vb.put((4 * a + 2) * cin * cols + at, out, 0, len);
                    sub(r[4 * a + 1], r[4 * a + 3], out, len);
                    vb.put((4 * a + 3) * cin * cols + at, out, 0, len);
                }
            }
            sc.m = grow(sc.m, (long) XI * Math.max(cin, s.out()) * cols);
        }

        /** y (examples [e0, e1)) ← Aᵀ M A per tile (as the planar form), cropped to the plane. */
        static void output(ConvShape s, Scratch sc, FloatBuffer yb, int yo, int e0, int e1) {
            int cout = s.out();
            int h = s.height();
            int w = s.width();
            int th = tilesHigh(s);
            int tw = tilesWide(s);
            int tiles = th * tw;
            int cols = (e1 - e0) * tiles;
            int len = tiles * cout;
            int ew = 2 * tw;
            FloatBuffer mb = sc.m.asNioFloat();
            int plane = cout * h * w;
            sc.plane = grow(sc.plane, plane);
            float[] out = sc.plane;
            float[][] mt = new float[XI][];
            for (int xi = 0; xi < XI; xi++) {
                mt[xi] = sc.t(xi, len);
            }
            float[][] s0 = {sc.t(16, len), sc.t(17, len), sc.t(18, len), sc.t(19, len)};
            float[][] s1 = {sc.t(20, len), sc.t(21, len), sc.t(22, len), sc.t(23, len)};
            float[][] yq = {sc.t(24, len), sc.t(25, len), sc.t(26, len), sc.t(27, len)};
            float[] hwc = sc.t(28, 2 * th * ew * cout);
            for (int e = e0; e < e1; e++) {
                int at = (e - e0) * len;
                for (int xi = 0; xi < XI; xi++) {
                    mb.get(xi * cout * cols + at, mt[xi], 0, len);
                }
                outputTile(mt, s0, s1, yq, len);
                for (int i = 0; i < th; i++) {
                    for (int j = 0; j < tw; j++) {
                        int t = (i * tw + j) * cout;
                        for (int p = 0; p < 2; p++) {
                            for (int q = 0; q < 2; q++) {
                                System.arraycopy(yq[2 * p + q], t, hwc, ((2 * i + p) * ew + 2 * j + q) * cout, cout);
                            }
                        }
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int from = (y * ew + x) * cout;
                        int to = y * w + x;
                        for (int o = 0; o < cout; o++) {
                            out[to + o * h * w] = hwc[from + o];
                        }
                    }
                }
                yb.put(yo + e * plane, out, 0, plane);
            }
        }

        /** dM[ξ] rows of examples [e0, e1) ← A dY Aᵀ per tile (as the planar form; positions outside the plane 0). */
        static void grad(ConvShape s, FloatBuffer dyb, int dyo, int e0, int e1, Scratch sc) {
            int cout = s.out();
            int h = s.height();
            int w = s.width();
            int th = tilesHigh(s);
            int tw = tilesWide(s);
            int tiles = th * tw;
            int cols = (e1 - e0) * tiles;
            int len = tiles * cout;
            int ew = 2 * tw;
            int plane = cout * h * w;
            sc.plane = grow(sc.plane, plane);
            float[] d = sc.plane;
            float[][] yq = {sc.t(0, len), sc.t(1, len), sc.t(2, len), sc.t(3, len)};
            float[][] r = {null, null, sc.t(4, len), sc.t(5, len), sc.t(6, len), sc.t(7, len), sc.t(8, len), sc.t(9, len)};
            float[] out = sc.t(10, len);
            int extended = 2 * th * ew * cout;
            float[] hwc = sc.t(11, extended);
            java.util.Arrays.fill(hwc, 0, extended, 0f); // positions past the plane stay 0
            sc.m = grow(sc.m, (long) XI * Math.max(s.in(), cout) * cols);
            FloatBuffer mb = sc.m.asNioFloat();
            for (int e = e0; e < e1; e++) {
                dyb.get(dyo + e * plane, d, 0, plane);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int to = (y * ew + x) * cout;
                        int from = y * w + x;
                        for (int o = 0; o < cout; o++) {
                            hwc[to + o] = d[from + o * h * w];
                        }
                    }
                }
                for (int i = 0; i < th; i++) {
                    for (int j = 0; j < tw; j++) {
                        int t = (i * tw + j) * cout;
                        for (int p = 0; p < 2; p++) {
                            for (int q = 0; q < 2; q++) {
                                System.arraycopy(hwc, ((2 * i + p) * ew + 2 * j + q) * cout, yq[2 * p + q], t, cout);
                            }
                        }
                    }
                }
                gradRows(yq, r, len);
                int at = (e - e0) * len;
                for (int a = 0; a < 4; a++) {
                    float[] u0 = r[2 * a];
                    float[] v0 = r[2 * a + 1];
                    mb.put((4 * a) * cout * cols + at, u0, 0, len);
                    add(u0, v0, out, len);
                    mb.put((4 * a + 1) * cout * cols + at, out, 0, len);
                    sub(u0, v0, out, len);
                    mb.put((4 * a + 2) * cout * cols + at, out, 0, len);
                    neg(v0, out, len);
                    mb.put((4 * a + 3) * cout * cols + at, out, 0, len);
                }
            }
            sc.v = grow(sc.v, (long) XI * s.in() * cols);
        }

        /**
         * dx (examples [e0, e1), overwritten) ← Σ over tiles of B dV Bᵀ placed on each tile's patch
         * (as the planar form): the tiles' values are laid out on an extended grid of (th + 1) ×
         * (tw + 1) tiles × channels (the spare tile row and column 0), so that the padded plane's
         * phase (p, q) at tile (m, n) is, as in the planar form and in its order, patch point (p, q)
         * of tile (m, n) + (p, q + 2) of (m, n − 1) + (p + 2, q) of (m − 1, n) + (p + 2, q + 2) of
         * (m − 1, n − 1): the arrays shifted by 0, one tile, one tile row and both, added as whole
         * arrays; the phases are then moved back to the plane, the padding's share dropped.
         */
        static void inputGrad(ConvShape s, Scratch sc, FloatBuffer dxb, int dxo, int e0, int e1) {
            int cin = s.in();
            int h = s.height();
            int w = s.width();
            int th = tilesHigh(s);
            int tw = tilesWide(s);
            int tiles = th * tw;
            int cols = (e1 - e0) * tiles;
            int len = tiles * cin;          // one example's rows of an operand
            int row = tw * cin;             // one tile row there
            int er = (tw + 1) * cin;        // an extended tile row (a spare tile at its end)
            int ext = (th + 1) * er;        // the extended grid (a spare tile row at its end)
            FloatBuffer vb = sc.v.asNioFloat();
            sc.plane = grow(sc.plane, cin * h * w);
            float[] out = sc.plane;
            float[][] v = new float[XI][];
            float[][] z = new float[XI][];
            for (int xi = 0; xi < XI; xi++) {
                v[xi] = sc.t(xi, ext);
                java.util.Arrays.fill(v[xi], 0, ext, 0f); // the spare tiles stay 0: only the tiles' positions are loaded below
                z[xi] = sc.t(24 + xi, ext);
            }
            float[][] rw = new float[XI][];
            for (int b = 0; b < 4; b++) {
                rw[4 + b] = sc.t(16 + b, ext);
                rw[8 + b] = sc.t(20 + b, ext);
            }
            float[][] ph = {sc.t(40, ext), sc.t(41, ext), sc.t(42, ext), sc.t(43, ext)};
            float[] sh1 = sc.t(44, ext);
            float[] sh2 = sc.t(45, ext);
            float[] sh3 = sc.t(46, ext);
            int plane = h * w;
            for (int e = e0; e < e1; e++) {
                int at = (e - e0) * len;
                for (int xi = 0; xi < XI; xi++) {
                    for (int i = 0; i < th; i++) {
                        vb.get(xi * cin * cols + at + i * row, v[xi], i * er, row);
                    }
                }
                patchGradients(v, rw, z, ext);
                overlaps(z, cin, er, sh1, sh2, sh3, ph, ext);
                // dx[c][y][x] = the padded plane at (y + 1, x + 1): phase ((y + 1) mod 2, (x + 1) mod 2), tile ((y + 1) div 2, (x + 1) div 2)
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float[] phase = ph[2 * ((y + 1) & 1) + ((x + 1) & 1)];
                        int from = (((y + 1) >> 1) * (tw + 1) + ((x + 1) >> 1)) * cin;
                        int to = y * w + x;
                        for (int c = 0; c < cin; c++) {
                            out[to + c * plane] = phase[from + c];
                        }
                    }
                }
                dxb.put(dxo + e * cin * plane, out, 0, cin * plane);
            }
        }
    }
}
