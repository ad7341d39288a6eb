package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Several examples per convolution GEMM where an example's output plane is small (issue 20). One
 * example of a 512→512 3×3 layer on a 4×4 plane is a GEMM [512 × 4,608]·[4,608 × 16]: OpenBLAS packs
 * the whole 9.4 MB kernel matrix for 16 output columns, and the weight gradient's per-example GEMM
 * has an inner dimension of 16 while it reads and writes the whole [512 × 4,608] result. Putting
 * {@link #group} examples side by side ([K × g·P] columns, [out × g·P] outputs) gives each GEMM
 * g·P columns (or an inner dimension of g·P) instead of P.
 *
 * <p>The group size is a function of the shape only (never of the thread count), so, as with the
 * weight gradient's column ranges, every bit of a result is the same at every thread count. The
 * forward and input-gradient entries are dot products over the same K terms as one example's GEMM;
 * the weight gradient sums g·P products per GEMM before adding to the running sum instead of P,
 * which rounds differently from the per-example sums (runs made before this class are not
 * bit-reproduced wherever a layer groups).
 */
final class ConvGroups {

    private ConvGroups() {
    }

    /**
     * Columns a group aims at: the largest power-of-two group with g·P ≤ this many output
     * positions ({@code -Dgradreg.convGroupColumns}; ≤ 1 switches grouping off).
     */
    static int columns() {
        return Integer.getInteger("gradreg.convGroupColumns", 256);
    }

    /** Examples per GEMM: the largest power of two g ≤ batch with g·P ≤ {@link #columns()} (1: no grouping). */
    static int group(ConvShape s) {
        long limit = columns();
        int g = 1;
        while (2L * g <= s.batch() && 2L * g * s.positions() <= limit) {
            g *= 2;
        }
        return g;
    }

    /** The number of groups of n examples, the last one possibly short. */
    static int count(int n, int g) {
        return (n + g - 1) / g;
    }

    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);

    /**
     * A rows × len block: dst[dOff + r·dLd + q] ← src[sOff + r·sLd + q] for r &lt; rows, q &lt; len
     * (a plain copy, so every bit moves unchanged), through a per-thread Java array.
     */
    static void copy(DataType type, DataBuffer src, long sOff, int sLd, DataBuffer dst, long dOff, int dLd, int rows, int len) {
        int n = rows * len;
        if (type == DataType.FLOAT) {
            float[] a = FLOATS.get();
            if (a.length < n) {
                a = new float[n];
                FLOATS.set(a);
            }
            FloatBuffer s = src.asNioFloat();
            FloatBuffer d = dst.asNioFloat();
            if (sLd == len) {
                s.get((int) sOff, a, 0, n);
            } else {
                for (int r = 0; r < rows; r++) {
                    s.get((int) (sOff + (long) r * sLd), a, r * len, len);
                }
            }
            if (dLd == len) {
                d.put((int) dOff, a, 0, n);
            } else {
                for (int r = 0; r < rows; r++) {
                    d.put((int) (dOff + (long) r * dLd), a, r * len, len);
                }
            }
        } else {
            double[] a = DOUBLES.get();
            if (a.length < n) {
                a = new double[n];
                DOUBLES.set(a);
            }
            DoubleBuffer s = src.asNioDouble();
            DoubleBuffer d = dst.asNioDouble();
            if (sLd == len) {
                s.get((int) sOff, a, 0, n);
            } else {
                for (int r = 0; r < rows; r++) {
                    s.get((int) (sOff + (long) r * sLd), a, r * len, len);
                }
            }
            if (dLd == len) {
                d.put((int) dOff, a, 0, n);
            } else {
                for (int r = 0; r < rows; r++) {
                    d.put((int) (dOff + (long) r * dLd), a, r * len, len);
                }
            }
        }
    }
}
