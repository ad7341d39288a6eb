package org.gradreg.optim.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.gradreg.optim.Params;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one-pass updates ({@link FusedUpdates}) against the rules' op-by-op form (ND4J ops and BLAS
 * axpy, {@code -Dgradreg.fusedUpdates=false}): the same parameters and state, bit for bit, in
 * FLOAT and DOUBLE, over several steps with changing gradients, on tensors whose lengths cover
 * OpenBLAS's vector blocks and tails (1, 7, 60, 33·17, and 10,007 and 25,001, which OpenBLAS splits
 * over its threads) and on layouts the fused path must refuse (an 'f'-ordered gradient) or treat
 * as a view (a strided view: refused; the op-by-op form's two-op axpy), where the op-by-op form
 * runs. The axpy rounding is measured by {@link AxpyRounding#probe}; the test runs under whatever
 * {@code OPENBLAS_CORETYPE} the build has (e.g. once with Haswell, once with SkylakeX). The
 * equations themselves are checked against plain double arithmetic in {@code UpdateRuleTest}.
 */
class FusedUpdateTest {

    private static final int STEPS = 6;

    @org.junit.jupiter.api.BeforeAll
    static void sayWhichComparison() {
        System.out.println("FusedUpdateTest: OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") + ", fused axpy block FLOAT "
                + AxpyRounding.measuredBlock(DataType.FLOAT) + ", DOUBLE " + AxpyRounding.measuredBlock(DataType.DOUBLE));
    }

    @AfterEach
    void restore() {
        System.clearProperty("gradreg.fusedUpdates");
    }

    private static final Schedule LR = step -> 0.01 * (1 + step % 3);

    static List<Supplier<UpdateRule>> rules() {
        return List.of(() -> Adam.of(LR), () -> Adam.of(LR).betas(0.8, 0.99).eps(1e-6), () -> Adam.of(LR).agr(Agr.Placement.PAPER),
                () -> AdamW.of(LR).weightDecay(0.05), () -> AdamW.of(LR).weightDecay(0.05).decayMask(DecayMask.noDecayOn1D()),
                () -> AdamW.of(LR).weightDecay(0.05).agr(Agr.Placement.CODE), () -> Sgd.of(LR).momentum(0.9),
                () -> Sgd.of(LR).momentum(0.9).nesterov(), () -> Sgd.of(LR).momentum(0.8).dampening(0.3), () -> Sgd.of(LR),
                () -> Adan.of(LR), () -> Adan.of(LR).weightDecay(0.02), () -> Adan.of(LR).weightDecay(0.02).noProx().maxGradNorm(0.5),
                () -> Adan.of(LR).weightDecay(0.02).maxGradNorm(0.5), () -> Adan.of(LR).agr(Agr.Placement.PAPER).maxGradNorm(0.5));
    }

    @Test
    void fusedEqualsOpByOpBitForBitOnDenseTensors() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (Supplier<UpdateRule> rule : rules()) {
                compare(rule, type, false);
            }
        }
    }

    /** The same with every tensor of 1,000 elements or more split over three threads (parts cut across OpenBLAS's ranges). */
    @Test
    void splitOverThreadsEqualsOpByOp() {
        int saved = FusedUpdates.parallelMin;
        int cap = Nd4j.getEnvironment().maxMasterThreads();
        try {
            FusedUpdates.parallelMin = 1000;
            Nd4j.getEnvironment().setMaxMasterThreads(3);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (Supplier<UpdateRule> rule : rules()) {
                    compare(rule, type, false);
                }
            }
        } finally {
            FusedUpdates.parallelMin = saved;
            Nd4j.getEnvironment().setMaxMasterThreads(cap);
        }
    }

    @Test
    void layoutsTheKernelsRefuseStillMatch() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (Supplier<UpdateRule> rule : rules()) {
                compare(rule, type, true);
            }
        }
    }

    @Test
    void refusesMixedLayoutsAndAcceptsOffsetsIntoABuffer() {
        INDArray c = Nd4j.rand(DataType.FLOAT, 4, 5);
        INDArray f = c.dup('f');
        assertFalse(FusedUpdates.sameDenseLayout(c, f), "c against f order");
        assertFalse(FusedUpdates.sameDenseLayout(c, c.castTo(DataType.DOUBLE)), "types differ");
        INDArray big = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray rows = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 5), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertTrue(FusedUpdates.sameDenseLayout(c, rows), "a block of whole rows is dense at an offset");
        INDArray cols = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5, 1));
        INDArray strided = Nd4j.rand(DataType.FLOAT, 4, 10).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5));
        assertFalse(FusedUpdates.sameDenseLayout(c, strided), "half of each row");
        assertTrue(FusedUpdates.sameDenseLayout(c, cols) || cols.isView(), "sanity");
        assertTrue(FusedUpdates.sameDenseLayout(Nd4j.rand(DataType.DOUBLE, 1, 7), Nd4j.rand(DataType.DOUBLE, 1, 7).dup('f')),
                "a vector's ordering does not matter");
    }

    /** Runs a fresh copy of {@code rule} with the fused path on and off from the same start and compares everything. */
    private static void compare(Supplier<UpdateRule> rule, DataType type, boolean awkwardLayouts) {
        UpdateRule fused = rule.get();
        UpdateRule plain = rule.get();
        Params pf = start(type, awkwardLayouts);
        Params pp = copy(pf, awkwardLayouts, type);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int step = 0; step < STEPS; step++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : pf) {
                grads.put(e.getKey(), random(rnd, type, e.getValue().shape(), step == 2 ? 10.0 : 1.0));
            }
            System.setProperty("gradreg.fusedUpdates", "true");
            fused.apply(pf, gradient(grads, awkwardLayouts), step);
            System.setProperty("gradreg.fusedUpdates", "false");
            plain.apply(pp, gradient(grads, awkwardLayouts), step);
            Map<String, INDArray> sf = fused.state();
            Map<String, INDArray> sp = plain.state();
            assertEquals(sp.keySet(), sf.keySet(), fused + " state keys");
            for (String k : sp.keySet()) {
                assertAgree(sp.get(k), sf.get(k), fused + " " + type + " step " + step + " state " + k);
            }
            for (Map.Entry<String, INDArray> e : pf) {
                assertAgree(pp.get(e.getKey()), e.getValue(), fused + " " + type + " step " + step + " tensor " + e.getKey());
            }
        }
        if (fused instanceof AdaptiveRate rate) {
            // ψ's moments: one pass with double sums against ψ written out and reduced by ND4J, on the same state
            System.setProperty("gradreg.fusedUpdates", "true");
            double[] one = rate.psiMoments();
            System.setProperty("gradreg.fusedUpdates", "false");
            double[] ops = rate.psiMoments();
            double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
            assertEquals(ops[0], one[0], fused + " psi count");
            assertEquals(ops[1], one[1], tol * Math.abs(ops[1]), fused + " " + type + " psi mean");
            assertEquals(ops[2], one[2], tol * Math.abs(ops[2]), fused + " " + type + " psi variance");
        }
    }

    @Test
    void theAxpyRoundingOfThisProcessIsRecognised() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            int b = AxpyRounding.measuredBlock(t);
            assertTrue(b > 0, t + ": OpenBLAS's axpy rounding is none of the known patterns, so the fused updates are off");
        }
    }

    private static void assertAgree(INDArray expected, INDArray actual, String what) {
        assertBitsEqual(expected, actual, what);
    }

    private static void assertBitsEqual(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length(), what);
        for (long k = 0; k < expected.length(); k++) {
            final long i = k;
            if (expected.dataType() == DataType.FLOAT) {
                float a = expected.getFloat(i);
                float b = actual.getFloat(i);
                assertEquals(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b), () -> what + " element " + i + ": " + a + " vs " + b);
            } else if (expected.dataType() == DataType.DOUBLE) {
                double a = expected.getDouble(i);
                double b = actual.getDouble(i);
                assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b), () -> what + " element " + i + ": " + a + " vs " + b);
            } else {
                assertEquals(expected.getLong(i), actual.getLong(i), what);
            }
        }
    }

    private static final long[][] SHAPES = {{1}, {7}, {33, 17}, {3, 4, 5}, {60}, {10_007}, {25_001}};

    private static Params start(DataType type, boolean awkward) {
        SplittableRandom rnd = new SplittableRandom(3);
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int k = 0; k < SHAPES.length; k++) {
            INDArray a = random(rnd, type, SHAPES[k], 1.0);
            if (awkward && k == 2) {
                // a strided view: every other column of a wider matrix
                INDArray wide = Nd4j.zeros(type, 33, 34);
                INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 34));
                view.assign(a);
                a = view;
            }
            m.put("t" + k, a);
        }
        return Params.of(m);
    }

    private static Params copy(Params p, boolean awkward, DataType type) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : p) {
            INDArray a = e.getValue();
            if (a.isView()) {
                INDArray wide = Nd4j.zeros(type, 33, 34);
                INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 34));
                view.assign(a);
                m.put(e.getKey(), view);
            } else {
                m.put(e.getKey(), a.dup());
            }
        }
        return Params.of(m);
    }

    /** A fresh gradient per rule (the rules may overwrite it); with awkward layouts the 3-D tensor's gradient is 'f'-ordered. */
    private static Params gradient(Map<String, INDArray> grads, boolean awkward) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        grads.forEach((k, v) -> m.put(k, awkward && v.rank() == 3 ? v.dup('f') : v.dup('c')));
        return Params.of(m);
    }

    private static INDArray random(SplittableRandom rnd, DataType type, long[] shape, double scale) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (rnd.nextDouble() * 2 - 1);
        }
        return Nd4j.createFromArray(v).castTo(type).reshape('c', shape).dup('c');
    }
}
