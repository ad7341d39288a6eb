package org.gradreg.optim.rule;

import java.util.SplittableRandom;
import org.gradreg.optim.Params;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How the op-by-op update rules' {@code y += a·x} ({@link Params#axpy}) rounds each element, so
 * that {@link FusedUpdates} can round the same way and stay bit-identical to them.
 *
 * <p>{@link Params#axpy} calls BLAS axpy when both tensors are packed, non-view and alike, and
 * otherwise multiplies and adds with two ND4J ops (two roundings). OpenBLAS (0.3.19, bundled with
 * ND4J) splits an axpy of more than 10,000 elements into one chunk per thread (the first
 * ⌈n/threads⌉ elements, then the rest likewise), and its x86-64 kernels round the first
 * {@code len − len mod B} elements of a chunk with a fused multiply-add and the remaining tail
 * with a separate multiply and add: B = 32 (FLOAT) and 16 (DOUBLE) for the AVX2 Haswell/Zen
 * kernels, B = 1 (every element fused) for AVX-512 (SkylakeX), measured on this project's machine
 * with {@code OPENBLAS_CORETYPE} set to each. {@link #probe} measures B in this process once per
 * type (lengths 1-129 and two split lengths, against {@link Math#fma}); a pattern it does not
 * recognise disables the fused updates for that type.
 */
final class AxpyRounding {

    /** No element fused. */
    private static final int NONE = Integer.MAX_VALUE;
    private static final int UNKNOWN = -1;
    /** OpenBLAS interface/axpy.c: at most this many elements run on one thread. */
    static final int SINGLE_THREAD_MAX = 10_000;

    private static volatile int floatBlock;
    private static volatile int doubleBlock;

    private AxpyRounding() {
    }

    /** Params.axpy's own choice between BLAS and the two-op fallback. */
    static boolean blas(INDArray x, INDArray y) {
        return x.ordering() == y.ordering() && x.elementWiseStride() == 1 && y.elementWiseStride() == 1 && !x.isView() && !y.isView()
                && java.util.Arrays.equals(x.shape(), y.shape());
    }

    /** The same for an axpy from one of the rule's work buffers ('c', packed, shaped like the parameter) into {@code y}. */
    static boolean blasFromScratch(INDArray y) {
        return y.ordering() == 'c' && y.elementWiseStride() == 1 && !y.isView();
    }

    /**
     * The element ranges of an n-element axpy as triples {from, to, 1 if fused else 0}, in order,
     * covering 0..n; null if this process's BLAS rounding is not known.
     */
    static int[] ranges(DataType type, int n) {
        int block = block(type);
        if (block == UNKNOWN) {
            return null;
        }
        return rangesFor(block, n);
    }

    private static int block(DataType type) {
        if (type == DataType.FLOAT) {
            int b = floatBlock;
            if (b == 0) {
                floatBlock = b = probe(type);
            }
            return b;
        }
        int b = doubleBlock;
        if (b == 0) {
            doubleBlock = b = probe(type);
        }
        return b;
    }

    /**
     * The fused-block length B that explains this process's BLAS axpy on lengths 1-129 and on two
     * lengths above {@link #SINGLE_THREAD_MAX} (split over the current thread count), or
     * {@link #UNKNOWN}.
     */
    static int probe(DataType type) {
        int[] lengths = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 127, 129, 10_001, 20_003};
        int[] candidates = {1, 32, 16, 64, 8, 4, NONE};
        boolean[] possible = new boolean[candidates.length];
        java.util.Arrays.fill(possible, true);
        SplittableRandom rnd = new SplittableRandom(20);
        for (int n : lengths) {
            int reps = n > 1000 ? 2 : 12;
            for (int rep = 0; rep < reps; rep++) {
                double[] xs = new double[n];
                double[] ys = new double[n];
                for (int i = 0; i < n; i++) {
                    xs[i] = rnd.nextDouble() * 2 - 1;
                    ys[i] = rnd.nextDouble() * 2 - 1;
                }
                double a = 0.05 + rnd.nextDouble();
                INDArray x = Nd4j.createFromArray(xs).castTo(type).dup();
                INDArray y = Nd4j.createFromArray(ys).castTo(type).dup();
                if (!blas(x, y)) {
                    return UNKNOWN; // not the BLAS path this probe is about
                }
                INDArray y0 = y.dup();
                Params.axpy(a, x, y);
                double[] xv = x.castTo(DataType.DOUBLE).toDoubleVector();
                double[] y0v = y0.castTo(DataType.DOUBLE).toDoubleVector();
                double[] got = y.castTo(DataType.DOUBLE).toDoubleVector();
                for (int c = 0; c < candidates.length; c++) {
                    if (!possible[c]) {
                        continue;
                    }
                    int[] r = rangesFor(candidates[c], n);
                    for (int q = 0; q < r.length && possible[c]; q += 3) {
                        for (int i = r[q]; i < r[q + 1]; i++) {
                            double want;
                            if (type == DataType.FLOAT) {
                                float fa = (float) a;
                                want = r[q + 2] == 1 ? Math.fma(fa, (float) xv[i], (float) y0v[i]) : (float) y0v[i] + (float) xv[i] * fa;
                            } else {
                                want = r[q + 2] == 1 ? Math.fma(a, xv[i], y0v[i]) : y0v[i] + xv[i] * a;
                            }
                            if (want != got[i]) {
                                possible[c] = false;
                                break;
                            }
                        }
                    }
                }
            }
        }
        for (int c = 0; c < candidates.length; c++) {
            if (possible[c]) {
                return candidates[c];
            }
        }
        return UNKNOWN;
    }

    private static int[] rangesFor(int block, int n) {
        int threads = n <= SINGLE_THREAD_MAX ? 1 : Math.max(1, Nd4j.factory().blas().getMaxThreads());
        int[] r = new int[6 * threads];
        int k = 0;
        int start = 0;
        int remaining = n;
        for (int t = threads; t >= 1 && remaining > 0; t--) {
            int width = (remaining + t - 1) / t;
            int fused = block == NONE ? 0 : width - width % block;
            r[k++] = start;
            r[k++] = start + fused;
            r[k++] = 1;
            r[k++] = start + fused;
            r[k++] = start + width;
            r[k++] = 0;
            start += width;
            remaining -= width;
        }
        return java.util.Arrays.copyOf(r, k);
    }

    /** The block length measured for {@code type}: 1 every element fused, {@link Integer#MAX_VALUE} none, −1 unknown (for tests and reports). */
    static int measuredBlock(DataType type) {
        return block(type);
    }
}
