package org.gradreg.trainer.nn;

import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Engines;
import org.gradreg.trainer.reference.ReferenceGraphs;
import org.gradreg.trainer.reference.SameDiffEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Timings, run by hand only: {@code -Dtest=GraphEngineBench -Dgradreg.bench=resnet} (one ResNet-18
 * AdamW step, batch 32, on the hand-written and on the SameDiff engine) or {@code =conv} (one 3×3
 * convolution at ResNet-18 CIFAR shapes: native conv2d/conv2d_bp vs im2col + GEMM).
 */
class GraphEngineBench {

    @Test
    @EnabledIfSystemProperty(named = "gradreg.bench", matches = "resnet")
    void resnet18Step() {
        Batch b = Batches.training(SyntheticCifar.generate(32, 8, 10, 32, 3).train(), 32, true, 1).get(0, 0);
        int steps = Integer.getInteger("gradreg.bench.steps", 4);
        run("GraphEngine (im2col)", Engines.build("resnet18", 10, DataType.FLOAT, 1), b, steps);
        if (!Boolean.getBoolean("gradreg.bench.skipSameDiff")) {
            run("SameDiffEngine", new SameDiffEngine(ReferenceGraphs.build("resnet18", 10, DataType.FLOAT, 1)), b, Math.max(2, steps - 1));
        }
    }

    private static void run(String what, Engine engine, Batch b, int steps) {
        ModelOracle o = new ModelOracle(engine);
        Optimizer opt = Optim.optimizer(Optim.adamW(1e-4, 0.03));
        System.out.printf(Locale.ROOT, "%s: %s, activation estimate %.1f MB%n", what, engine, engine.activationBytes(32) / 1e6);
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            o.setBatch(b, 0.0, s);
            double loss = opt.step(o).loss();
            System.out.printf(Locale.ROOT, "%s step %d: %.2f s, loss %.4f, physical bytes %.0f MB%n", what, s, (System.nanoTime() - t0) / 1e9,
                    loss, Pointer.physicalBytes() / 1e6);
        }
        System.gc();
        System.out.printf(Locale.ROOT, "%s after System.gc(): physical bytes %.0f MB%n", what, Pointer.physicalBytes() / 1e6);
    }

    @Test
    @EnabledIfSystemProperty(named = "gradreg.bench", matches = "conv")
    void convolution() {
        for (int[] s : new int[][] {{64, 32}, {128, 16}, {256, 8}}) {
            int c = s[0];
            int hw = s[1];
            int n = 32;
            INDArray x = Nd4j.rand(DataType.FLOAT, n, c, hw, hw);
            INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, c, c);
            INDArray y = Nd4j.create(DataType.FLOAT, n, c, hw, hw);
            INDArray dx = y.ulike();
            INDArray dw = w.ulike();
            int[] args = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0};
            // im2col + GEMM: the kernel as [out, in·3·3] (once per step in an engine), columns [N, in, 3, 3, H, W]
            INDArray wt = w.permute(3, 2, 0, 1).dup('c').reshape(c, (long) c * 9);
            INDArray col = Nd4j.create(DataType.FLOAT, n, c, 3, 3, hw, hw);
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(y).addIntegerArguments(args).build());
                long t1 = System.nanoTime();
                Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, y).addOutputs(dx, dw).addIntegerArguments(args).build());
                long t2 = System.nanoTime();
                Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(col)
                        .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0).addFloatingPointArguments(0.0).build());
                long t3 = System.nanoTime();
                INDArray colRows = col.reshape(n, (long) c * 9, (long) hw * hw);
                INDArray yRows = y.reshape(n, c, (long) hw * hw);
                for (int i = 0; i < n; i++) {
                    // per example: y[i] = Wt · col[i] (views: the ND4J gemm path)
                    Nd4j.gemm(wt, colRows.slice(i), yRows.slice(i), false, false, 1.0, 0.0);
                }
                long t4 = System.nanoTime();
                System.out.printf(Locale.ROOT, "conv %d ch %dx%d batch %d: native fwd %.1f ms, native bwd %.1f ms; im2col %.1f ms + gemm %.1f ms%n",
                        c, hw, hw, n, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6);
            }
        }
    }
}
