package org.gradreg.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Engines;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph engine on the convolutional models against independent computations: central
 * differences of its own loss in DOUBLE (every parameter tensor of tiny ResNet, WideResNet with
 * dropout masks, VGG, the small CNN and the linear model) and batch-norm running statistics from a
 * plain-Java convolution; and the engine's buffers (estimate, no growth over steps, the
 * shared-output rule) on those and the ViT. The ViT's gradients are {@link GraphEngineVitTest}'s; the
 * equality with the SameDiff reference graphs is checked for every registered model by
 * {@link ModelContractTest}.
 */
class GraphEngineTest {

    private static final int C = Fixtures.CLASSES;

    /** Spec, image side, batch size. */
    private record Tiny(String spec, int image, int batch) {
    }

    private static final List<Tiny> TINY = List.of(
            new Tiny("resnet18:width=2,blocks=1", 8, 4),
            new Tiny("wrn-28-10:depth=10,widen=1,dropout=0.3", 8, 3),
            new Tiny("vgg16-bn:width=2", 32, 2),
            new Tiny("cnn-small:width=2", 8, 3),
            new Tiny("linear", 8, 4));

    private static Batch batch(int n, int size, long seed) {
        return Fixtures.batch(n, size, seed);
    }

    private static Map<String, INDArray> masks(Engine e, int batch, long seed) {
        return Fixtures.masks(e, batch, seed);
    }

    @Test
    void gradientsMatchCentralDifferencesInDouble() {
        for (Tiny t : TINY) {
            Engine e = Engines.build(t.spec(), 3, t.image(), C, DataType.DOUBLE, 7);
            assertTrue(e instanceof GraphEngine, t.spec());
            Batch b = batch(t.batch(), t.image(), 1);
            INDArray in = e.input(b);
            INDArray target = ModelOracle.targets(b.labels(), C, 0.1, DataType.DOUBLE);
            Map<String, INDArray> masks = masks(e, t.batch(), 11);
            if (t.spec().startsWith("wrn")) {
                assertEquals(3, masks.size());
            }
            int checked = Fixtures.checkGradients(e, in, target, masks, 3, t.spec());
            assertTrue(checked >= 2 * e.parameters().size() - 1, t.spec() + ": checked " + checked);
        }
    }

    /**
     * The stem's running statistics after one primary pass, from a plain-Java 3×3 convolution of
     * the input: 0.1·mean and 0.9 + 0.1·(unbiased variance), per channel; non-primary and
     * evaluation passes leave them alone.
     */
    @Test
    void runningStatisticsFollowTorchsRuleOnPrimaryPassesOnly() {
        int n = 4;
        int side = 8;
        GraphEngine e = (GraphEngine) Engines.build("resnet18:width=2,blocks=1", 3, side, C, DataType.DOUBLE, 2);
        Batch b = batch(n, side, 1);
        INDArray in = e.input(b);
        INDArray target = ModelOracle.targets(b.labels(), C, 0, DataType.DOUBLE);
        INDArray mean = e.runningStatistics().get("stem/bn/running_mean");
        INDArray var = e.runningStatistics().get("stem/bn/running_var");
        assertEquals("[1, 2, 1, 1]", java.util.Arrays.toString(mean.shape()));
        e.lossAndGradients(in, target, Map.of(), false, false);
        e.lossAndGradients(in, target, Map.of(), true, true);
        e.loss(in, target, Map.of(), false);
        assertEquals(0.0, mean.sumNumber().doubleValue(), 0.0);
        assertEquals(2.0, var.sumNumber().doubleValue(), 0.0);
        e.lossAndGradients(in, target, Map.of(), false, true);
        double[][][][] x = new double[n][3][side][side];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    for (int z = 0; z < side; z++) {
                        x[i][c][y][z] = in.getDouble(i, c, y, z);
                    }
                }
            }
        }
        INDArray w = e.parameters().get("stem/conv/kernel"); // [3, 3, in, out]
        for (int o = 0; o < 2; o++) {
            double[] vals = new double[n * side * side];
            int q = 0;
            for (int i = 0; i < n; i++) {
                for (int y = 0; y < side; y++) {
                    for (int z = 0; z < side; z++) {
                        double s = 0;
                        for (int c = 0; c < 3; c++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dz = 0; dz < 3; dz++) {
                                    int yy = y + dy - 1;
                                    int zz = z + dz - 1;
                                    if (yy >= 0 && yy < side && zz >= 0 && zz < side) {
                                        s += x[i][c][yy][zz] * w.getDouble(dy, dz, c, o);
                                    }
                                }
                            }
                        }
                        vals[q++] = s;
                    }
                }
            }
            double mu = 0;
            for (double v : vals) {
                mu += v;
            }
            mu /= vals.length;
            double ss = 0;
            for (double v : vals) {
                ss += (v - mu) * (v - mu);
            }
            double unbiased = ss / (vals.length - 1);
            assertEquals(0.1 * mu, mean.getDouble(0, o, 0, 0), 1e-12);
            assertEquals(0.9 + 0.1 * unbiased, var.getDouble(0, o, 0, 0), 1e-12);
        }
    }

    /** A ViT with dropout on every site, for the buffer tests. */
    private static final Tiny VIT = new Tiny("vit-micro:patch=4,hidden=12,mlp=20,heads=3,layers=2,dropout=0.2,attn_dropout=0.25,zero_head=0", 8, 3);

    /** activationBytes is an estimate of what the engine really allocates (values, x̂, gradient pool). */
    @Test
    void activationEstimateCoversTheAllocatedBuffers() {
        for (Tiny t : withVit()) {
            GraphEngine e = (GraphEngine) Engines.build(t.spec(), 3, t.image(), C, DataType.FLOAT, 1);
            Batch b = batch(t.batch(), t.image(), 1);
            INDArray target = ModelOracle.targets(b.labels(), C, 0, DataType.FLOAT);
            Map<String, INDArray> masks = new HashMap<>();
            masks(e, t.batch(), 1).forEach((k, v) -> masks.put(k, v.castTo(DataType.FLOAT)));
            e.lossAndGradients(e.input(b), target, masks, false, true);
            long real = e.allocatedBytes();
            long est = e.activationBytes(t.batch()) - e.workspaceBytes(t.batch());
            assertTrue(est >= real && est <= 2 * real + 4096, t.spec() + ": estimate " + est + " vs allocated " + real);
        }
    }

    /**
     * Once a batch size's buffers exist, further passes (training with masks, evaluation, gradients
     * at other parameters) allocate nothing: the gradient pool and the shared buffers are reused.
     */
    @Test
    void passesAfterTheFirstAllocateNoBuffers() {
        for (Tiny t : withVit()) {
            GraphEngine e = (GraphEngine) Engines.build(t.spec(), 3, t.image(), C, DataType.FLOAT, 1);
            Batch b = batch(t.batch(), t.image(), 1);
            INDArray in = e.input(b);
            INDArray target = ModelOracle.targets(b.labels(), C, 0, DataType.FLOAT);
            e.lossAndGradients(in, target, new Dropout.Drawn(1), false, true);
            long first = e.allocatedBytes();
            for (int s = 2; s < 5; s++) {
                Engine.Result r = e.lossAndGradients(in, target, new Dropout.Drawn(s), false, true);
                r.gradients().forEach((k, g) -> e.parameters().get(k).subi(g.mul(0.1)));
                e.loss(in, target, Dropout.NONE, true);
                assertEquals(first, e.allocatedBytes(), t.spec() + " step " + s);
            }
        }
    }

    /** A layer may share its output buffer only when its one reader is the next layer, a residual sum without ReLU. */
    @Test
    void aSharedOutputMustFeedOnlyTheNextResidualSum() {
        org.gradreg.trainer.compute.Backend be = org.gradreg.trainer.compute.Backends.open(org.gradreg.trainer.compute.Device.CPU,
                DataType.DOUBLE);
        GraphEngine ok = GraphEngine.images("ok", 1, 2, C, be, 1, true);
        Layer d = new Dense(ok, "d", ok.input(), 4, false, null);
        Layer branch = new Dense(ok, "branch", d, 4, false, null).sharedOutput();
        ok.finish(new Residual(ok, d, branch, false), "fc", false, "residual MLP");
        GraphEngine relu = GraphEngine.images("relu", 1, 2, C, be, 1, true);
        Layer d2 = new Dense(relu, "d", relu.input(), 4, false, null);
        Layer branch2 = new Dense(relu, "branch", d2, 4, false, null).sharedOutput();
        Layer sum = new Residual(relu, d2, branch2, true);
        assertThrows(IllegalStateException.class, () -> relu.finish(sum, "fc", false, "ReLU after the sum reads it"));
        GraphEngine twice = GraphEngine.images("twice", 1, 2, C, be, 1, true);
        Layer d3 = new Dense(twice, "d", twice.input(), 4, false, null);
        Layer branch3 = new Dense(twice, "branch", d3, 4, false, null).sharedOutput();
        Layer sum3 = new Residual(twice, d3, branch3, false);
        Layer after = new Residual(twice, sum3, branch3, false); // a second reader, after the buffer was reused
        assertThrows(IllegalStateException.class, () -> twice.finish(after, "fc", false, "two readers"));
    }

    private static List<Tiny> withVit() {
        List<Tiny> all = new java.util.ArrayList<>(TINY);
        all.add(VIT);
        return all;
    }
}
