package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backend's own split over {@code --threads} (issue 20, {@link Team}): the attention heads'
 * products split by example and the element-wise kernels split by rows or elements give the same
 * bits at a thread cap of two as at one (where nothing splits); a GEMM split into row or column
 * blocks of C equals the whole GEMM to rounding (OpenBLAS picks kernels by size, so not always bit
 * for bit) and repeats bit for bit. Sizes are above {@link Blas#SPLIT_MIN} and {@link HostKernels#PARALLEL_MIN},
 * so the two-thread runs take the split paths; a block with a wrong offset or a dropped
 * remainder changes elements and fails here.
 */
class TeamSplitTest {

    private SavedThreadCaps saved;

    @BeforeEach
    void remember() {
        saved = new SavedThreadCaps();
    }

    @AfterEach
    void restore() {
        saved.restore();
    }

    private static INDArray random(SplittableRandom rnd, DataType t, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return Nd4j.createFromArray(v).castTo(t).reshape('c', shape).dup('c');
    }

    /** Runs {@code op} on fresh copies of {@code outs} at the thread cap 1 and 2 and compares every output bit for bit. */
    private static void sameAtOneAndTwo(String what, INDArray[] outs, Consumer<INDArray[]> op) {
        INDArray[][] got = new INDArray[2][];
        for (int cap = 1; cap <= 2; cap++) {
            SavedThreadCaps.set(cap);
            assertEquals(cap, Team.size());
            assertEquals(1, Blas.threads(), "OpenBLAS at one thread under the split");
            INDArray[] o = new INDArray[outs.length];
            for (int i = 0; i < outs.length; i++) {
                o[i] = outs[i].dup('c');
            }
            op.accept(o);
            got[cap - 1] = o;
        }
        for (int i = 0; i < outs.length; i++) {
            HostKernelsTest.assertBits(got[0][i], got[1][i], what + " output " + i);
        }
    }

    @Test
    void splitGemmsEqualWholeGemmsToRoundingAndRepeatExactly() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] shapes = {{1037, 333, 211}, {200, 1101, 400}}; // rows split (m ≥ n), columns split (n > m)
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = t == DataType.FLOAT ? 1e-5 : 1e-13;
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                assertTrue((long) m * n * k >= Blas.SPLIT_MIN);
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        INDArray a = ta ? random(rnd, t, k, m) : random(rnd, t, m, k);
                        INDArray b = tb ? random(rnd, t, n, k) : random(rnd, t, k, n);
                        INDArray c = random(rnd, t, m, n);
                        String what = t + " gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb;
                        INDArray[] got = new INDArray[3];
                        for (int r = 0; r < 3; r++) {
                            int cap = r == 0 ? 1 : 2;
                            SavedThreadCaps.set(cap);
                            got[r] = c.dup('c');
                            Blas.gemm(a, ta, b, tb, got[r], 0.75, 0.5);
                        }
                        HostKernelsTest.assertBits(got[1], got[2], what + ", split, twice");
                        double scale = 0;
                        double worst = 0;
                        for (long i = 0; i < got[0].length(); i++) {
                            scale = Math.max(scale, Math.abs(got[0].getDouble(i)));
                            worst = Math.max(worst, Math.abs(got[0].getDouble(i) - got[1].getDouble(i)));
                        }
                        assertTrue(worst <= tol * scale, what + ": split differs from whole by " + worst + " (scale " + scale + ")");
                    }
                }
            }
        }
    }

    @Test
    void splitAttentionHeadsEqualOneThreadBitForBit() {
        SplittableRandom rnd = new SplittableRandom(8);
        int batch = 512;
        int heads = 4;
        int tokens = 65;
        int dh = 32;
        assertTrue((long) batch * heads * tokens * tokens * dh >= Blas.SPLIT_MIN);
        DataType t = DataType.FLOAT;
        INDArray q = random(rnd, t, (long) batch * tokens, (long) heads * dh);
        INDArray kk = random(rnd, t, (long) batch * tokens, (long) heads * dh);
        INDArray p = random(rnd, t, (long) batch * heads, tokens, tokens);
        sameAtOneAndTwo("headsABt", new INDArray[] {Nd4j.create(t, (long) batch * heads, tokens, tokens)},
                o -> Blas.headsABt(q, kk, o[0], 0.125, batch, heads, tokens, dh));
        sameAtOneAndTwo("headsPB", new INDArray[] {Nd4j.create(t, (long) batch * tokens, (long) heads * dh)},
                o -> Blas.headsPB(p, kk, o[0], 1.0, false, batch, heads, tokens, dh));
        sameAtOneAndTwo("headsPtB", new INDArray[] {Nd4j.create(t, (long) batch * tokens, (long) heads * dh)},
                o -> Blas.headsPB(p, kk, o[0], 1.0, true, batch, heads, tokens, dh));
    }

    @Test
    void splitElementWiseKernelsEqualOneThreadBitForBit() {
        SplittableRandom rnd = new SplittableRandom(9);
        int rows = 8219; // rows·dim above PARALLEL_MIN, not a multiple of the thread count
        int dim = 72;
        assertTrue((long) rows * dim >= HostKernels.PARALLEL_MIN);
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = random(rnd, t, rows, dim);
            INDArray y = random(rnd, t, rows, dim);
            INDArray gamma = random(rnd, t, 1, dim);
            INDArray beta = random(rnd, t, 1, dim);
            sameAtOneAndTwo(t + " layer norm forward", new INDArray[] {x.ulike(), Nd4j.create(t, rows, 1), x.ulike()},
                    o -> HostKernels.layerNormForward(x, gamma, beta, 1e-6, o[0], o[1], o[2]));
            INDArray xhat = x.ulike();
            INDArray rstd = Nd4j.create(t, rows, 1);
            HostKernels.layerNormForward(x, gamma, beta, 1e-6, xhat, rstd, x.ulike());
            sameAtOneAndTwo(t + " layer norm backward", new INDArray[] {random(rnd, t, 1, dim), random(rnd, t, 1, dim), x.ulike()},
                    o -> HostKernels.layerNormBackward(y, xhat, rstd, gamma, o[0], o[1], o[2]));
            INDArray probs = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(x.dup(), x.ulike(), 1))[0];
            sameAtOneAndTwo(t + " softmax backward", new INDArray[] {y}, o -> HostKernels.softmaxBackward(o[0], probs, dim));
            sameAtOneAndTwo(t + " add", new INDArray[] {x.ulike()}, o -> HostKernels.combine(x, y, o[0], false));
            sameAtOneAndTwo(t + " multiply", new INDArray[] {x.ulike()}, o -> HostKernels.combine(x, y, o[0], true));
            sameAtOneAndTwo(t + " row vector", new INDArray[] {x}, o -> HostKernels.addRowVector(o[0], beta));
            sameAtOneAndTwo(t + " dropout mask", new INDArray[] {x.ulike()}, o -> HostKernels.dropoutMask(o[0], 0.1, 42L));
            try (CpuBackend be = new CpuBackend(t)) {
                sameAtOneAndTwo(t + " gelu forward", new INDArray[] {x.ulike(), x.ulike()},
                        o -> be.geluForward(CpuBackend.wrap(x), CpuBackend.wrap(o[0]), CpuBackend.wrap(o[1])));
                INDArray cdf = x.ulike();
                be.geluForward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(x.ulike()));
                sameAtOneAndTwo(t + " gelu backward", new INDArray[] {y, x.ulike()},
                        o -> be.geluBackward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(o[0]), CpuBackend.wrap(o[1])));
            }
        }
    }
}
