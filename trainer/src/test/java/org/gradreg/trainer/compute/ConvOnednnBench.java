package org.gradreg.trainer.compute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** A hand-run measurement (issue 20), not a test: {@code main REPEATS}. cnn-small's four convolutions at batch 128, 1 thread: the CPU backend's im2col path against ND4J's conv2d / conv2d_bp ops (oneDNN when its build is on the class path;
 * conv2d_bp always computes dx, also for the first layer), thread CPU time, the first repeat a warm-up. Run at one thread
 * (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1) with ND4J's jar swapped for the linux-x86_64-onednn-avx2 one plus
 * org.bytedeco:dnnl:2.5.2-1.5.7 (docs/trainer-benchmark.md). */
public final class ConvOnednnBench {

    private ConvOnednnBench() {
    }

    public static void main(String[] a) {
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.println("helpers allowed " + Nd4j.getEnvironment().helpersAllowed() + ", build " + Nd4j.getExecutioner().getEnvironmentInformation().get("backend"));
        int[][] sh = {{1, 32, 28}, {32, 32, 28}, {32, 64, 14}, {64, 64, 14}};
        CpuBackend be = new CpuBackend(DataType.FLOAT);
        int reps = Integer.parseInt(a[0]);
        double[] tot = new double[4];
        for (int[] s : sh) {
            ConvShape g = new ConvShape(128, s[0], s[2], s[2], s[1], 3, 1, 1);
            INDArray x = Nd4j.rand(DataType.FLOAT, 128, s[0], s[2], s[2]);
            INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, s[0], s[1]);
            INDArray y = Nd4j.create(DataType.FLOAT, 128, s[1], s[2], s[2]);
            INDArray dy = Nd4j.rand(DataType.FLOAT, 128, s[1], s[2], s[2]);
            INDArray dw = w.ulike();
            INDArray dx = x.ulike();
            boolean needDx = s[0] > 1;
            double[] t = new double[4];
            for (int r = 0; r < reps + 1; r++) {
                long c0 = mx.getCurrentThreadCpuTime();
                be.conv2d(g, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(y));
                long c1 = mx.getCurrentThreadCpuTime();
                be.conv2dBackward(g, CpuBackend.wrap(x), CpuBackend.wrap(w), CpuBackend.wrap(dy), CpuBackend.wrap(dw), needDx ? CpuBackend.wrap(dx) : null);
                long c2 = mx.getCurrentThreadCpuTime();
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(y).addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0).build());
                long c3 = mx.getCurrentThreadCpuTime();
                Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, dy).addOutputs(dx, dw).addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0).build());
                long c4 = mx.getCurrentThreadCpuTime();
                if (r > 0) {
                    t[0] += (c1 - c0) / 1e6 / reps;
                    t[1] += (c2 - c1) / 1e6 / reps;
                    t[2] += (c3 - c2) / 1e6 / reps;
                    t[3] += (c4 - c3) / 1e6 / reps;
                }
            }
            for (int i = 0; i < 4; i++) {
                tot[i] += t[i];
            }
            System.out.printf("%d->%d %dx%d: im2col path fwd %.1f ms bwd %.1f ms | ND4J conv2d %.1f ms conv2d_bp %.1f ms%n", s[0], s[1], s[2], s[2], t[0], t[1], t[2], t[3]);
        }
        System.out.printf("total: im2col path %.1f ms | ND4J ops %.1f ms%n", tot[0] + tot[1], tot[2] + tot[3]);
    }
}
