package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * OpenBLAS's thread count (issue 20). With the backend's own split (the default since 2026-12-07)
 * {@code --threads} goes to the backend's team and OpenBLAS stays at one thread throughout. With
 * {@code -Dgradreg.hostThreads=false}, around the example-parallel convolutions: a convolution
 * leaves OpenBLAS at one thread, the next GEMM outside the convolutions, the next per-head
 * attention product and the next download (the end of an evaluation) put the process's count back,
 * and setting the count (the trainer's {@code --threads}) forgets a lowered one. Each GEMM thus runs
 * at the thread count it ran at when the convolutions restored the count after every call.
 */
class BlasThreadsTest {

    private int before;
    private int masters;

    @BeforeEach
    void remember() {
        Nd4j.create(1); // ND4J's start-up sets OpenBLAS's count; do it before reading it
        before = Blas.threads();
        masters = Nd4j.getEnvironment().maxMasterThreads();
    }

    @AfterEach
    void restore() {
        CpuBackend.blasThreads(Math.max(1, before));
        Nd4j.getEnvironment().setMaxMasterThreads(masters);
    }

    private static void conv(CpuBackend be) {
        ConvShape s = new ConvShape(4, 3, 6, 6, 5, 3, 1, 1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 6, 6);
        INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, 3, 5);
        INDArray y = Nd4j.create(DataType.FLOAT, 4, 5, 6, 6);
        be.conv2d(s, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(y));
    }

    @Test
    void withTheBackendsOwnSplitOpenBlasStaysAtOneThread() {
        CpuBackend.blasThreads(3);
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        try (CpuBackend be = new CpuBackend(DataType.FLOAT)) {
            assertEquals(1, Blas.threads(), "--threads 3 with the split on: the team splits, OpenBLAS runs at one thread");
            conv(be);
            Tensor a = CpuBackend.wrap(Nd4j.rand(DataType.FLOAT, 4, 5));
            Tensor b = CpuBackend.wrap(Nd4j.rand(DataType.FLOAT, 5, 2));
            Tensor c = CpuBackend.wrap(Nd4j.create(DataType.FLOAT, 4, 2));
            be.gemm(a, false, b, false, c, 1.0, 0.0);
            be.download(c, Nd4j.create(DataType.FLOAT, 4, 2));
            INDArray q = Nd4j.rand(DataType.FLOAT, 2 * 3, 4);
            Blas.headsABt(q, q, Nd4j.create(DataType.FLOAT, 2, 3, 3), 1.0, 2, 1, 3, 4);
            assertEquals(1, Blas.threads(), "after a convolution, a GEMM, a download and the heads' products");
        }
    }

    @Test
    void aConvolutionLowersAndTheNextGemmOrDownloadRestores() {
        System.setProperty("gradreg.hostThreads", "false"); // OpenBLAS's own threads, as before the split
        try {
            lowerAndRestore();
        } finally {
            System.clearProperty("gradreg.hostThreads");
        }
    }

    private void lowerAndRestore() {
        CpuBackend.blasThreads(3);
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        try (CpuBackend be = new CpuBackend(DataType.FLOAT)) {
            assertEquals(3, Blas.threads());
            conv(be);
            assertEquals(1, Blas.threads(), "after a convolution");
            conv(be);
            assertEquals(1, Blas.threads(), "after two convolutions");
            Tensor a = CpuBackend.wrap(Nd4j.rand(DataType.FLOAT, 4, 5));
            Tensor b = CpuBackend.wrap(Nd4j.rand(DataType.FLOAT, 5, 2));
            Tensor c = CpuBackend.wrap(Nd4j.create(DataType.FLOAT, 4, 2));
            be.gemm(a, false, b, false, c, 1.0, 0.0);
            assertEquals(3, Blas.threads(), "after a GEMM outside the convolutions");

            conv(be);
            assertEquals(1, Blas.threads());
            INDArray host = Nd4j.create(DataType.FLOAT, 4, 2);
            be.download(c, host);
            assertEquals(3, Blas.threads(), "after a download");

            conv(be);
            INDArray q = Nd4j.rand(DataType.FLOAT, 2 * 3, 4);
            INDArray s = Nd4j.create(DataType.FLOAT, 2, 3, 3);
            Blas.headsABt(q, q, s, 1.0, 2, 1, 3, 4);
            assertEquals(3, Blas.threads(), "after the attention heads' products");

            conv(be);
            CpuBackend.blasThreads(1);
            be.download(c, host);
            assertEquals(1, Blas.threads(), "a count set after the lowering is kept");
        }
    }

    @Test
    void oneThreadLeavesACountOfOneAlone() {
        CpuBackend.blasThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        try (CpuBackend be = new CpuBackend(DataType.FLOAT)) {
            conv(be);
            be.download(CpuBackend.wrap(Nd4j.create(DataType.FLOAT, 2)), Nd4j.create(DataType.FLOAT, 2));
            assertEquals(1, Blas.threads());
        }
    }
}
