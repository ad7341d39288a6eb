package org.gradreg.trainer.reference;

import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.VitConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.apache.commons.math3.special.Erf;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every block built from primitives, gradient-checked in DOUBLE against central differences on
 * tiny shapes, and the forward formulas checked against plain Java (layer norm's ε, exact GELU).
 */
class LayersGradientTest {

    static {
        org.gradreg.trainer.loop.Trainer.threads(1);
    }

    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    private static INDArray random(SplittableRandom r, long... shape) {
        int n = (int) Layers.product(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    /** Builds {@code block} on a trainable input x of the given shape; loss = Σ block(x)·R. */
    private static void checkBlock(long[] shape, BiFunction<Layers, SDVariable, SDVariable> block) {
        checkBlock(1, shape, block);
    }

    private static void checkBlock(int batch, long[] shape, BiFunction<Layers, SDVariable, SDVariable> block) {
        checkBlock(batch, shape, 1.0, block);
    }

    /** {@code training}: the batch-norm mode (1 batch statistics, 0 running statistics, fed at random values). */
    private static void checkBlock(int batch, long[] shape, double training, BiFunction<Layers, SDVariable, SDVariable> block) {
        checkBlock(batch, shape, training, TOL, block);
    }

    private static void checkBlock(int batch, long[] shape, double training, double tol, BiFunction<Layers, SDVariable, SDVariable> block) {
        SplittableRandom r = new SplittableRandom(5);
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, 3);
        SDVariable x = l.variable("x", random(r, shape).data().asDouble(), shape);
        SDVariable out = block.apply(l, x);
        Map<String, INDArray> feed = new HashMap<>();
        for (DropoutSite s : l.dropoutSites()) {
            feed.put(s.placeholder(), mask(r, s.shape().apply(batch), s.rate()));
        }
        if (!l.batchNorms().isEmpty()) {
            feed.put(Layers.TRAINING, Nd4j.scalar(DataType.DOUBLE, training));
            for (BatchNormStats bn : l.batchNorms()) {
                feed.put(bn.runningMean(), random(r, 1, bn.channels(), 1, 1));
                feed.put(bn.runningVar(), random(r, 1, bn.channels(), 1, 1).addi(1.5));
            }
        }
        INDArray rw = random(r, out.eval(feed).shape());
        out.mul(sd.constant("R", rw)).sum().rename("loss");
        // perturb every trainable away from its initial value so γ/β etc. are generic
        for (String v : l.trainable()) {
            if (!v.equals("x")) {
                INDArray a = sd.getVariable(v).getArr();
                a.addi(random(r, a.shape()).muli(0.3));
            }
        }
        GradCheck.check(sd, feed, "loss", new ArrayList<>(l.trainable()), 4, H, tol);
    }

    private static INDArray mask(SplittableRandom r, long[] shape, double rate) {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, shape);
        double keep = 1 / (1 - rate);
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, r.nextDouble() < rate ? 0 : keep);
        }
        return m;
    }

    @Test
    void layerNormUsesEpsilonAndHasExactGradients() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, 1);
        double[][] x = {{1, 2, 4, -1}, {0.5, 0.5, 0.6, 0.4}};
        SDVariable out = l.layerNorm("ln", sd.constant(Nd4j.createFromArray(x)), 4, 0.5);
        INDArray y = out.eval();
        for (int i = 0; i < 2; i++) {
            double mu = 0;
            for (double v : x[i]) {
                mu += v / 4;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mu) * (v - mu) / 4;
            }
            for (int j = 0; j < 4; j++) {
                assertEquals((x[i][j] - mu) / Math.sqrt(var + 0.5), y.getDouble(i, j), 1e-12);
            }
        }
        checkBlock(new long[] {3, 5}, (ll, in) -> ll.layerNorm("ln", in, 5, 1e-6));
    }

    @Test
    void geluIsTheExactErfFormWithExactGradients() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, 1);
        double[] x = {-3, -1, -0.2, 0, 0.3, 1, 2.5, 6};
        INDArray y = l.gelu(sd.constant(Nd4j.createFromArray(x))).eval();
        for (int i = 0; i < x.length; i++) {
            assertEquals(0.5 * x[i] * (1 + Erf.erf(x[i] / Math.sqrt(2))), y.getDouble(i), 1e-12);
        }
        checkBlock(new long[] {4, 6}, (ll, in) -> ll.gelu(in.mul(2.0)));
    }

    @Test
    void softmaxAndLogSoftmaxGradients() {
        checkBlock(new long[] {6, 4, 5}, (ll, in) -> ll.softmax(in.mul(3.0), 2));
        checkBlock(new long[] {3, 7}, (ll, in) -> ll.logSoftmax(in.mul(3.0), 1));
    }

    @Test
    void denseAndDropoutGradients() {
        checkBlock(new long[] {4, 3}, (ll, in) -> ll.dense("d", in, 3, 5, false));
        checkBlock(new long[] {4, 3}, (ll, in) -> ll.dropout("mask", ll.dense("d", in, 3, 5, false), 0.3, b -> new long[] {4, 5}));
    }

    @Test
    void attentionGradients() {
        VitConfig c = new VitConfig(4, 2, 1, 6, 8, 2, 1, 0.2, 0.3, 1e-6, false); // T = 5 tokens, 2 heads of 3
        int b = 2;
        checkBlock(b, new long[] {b * c.tokens(), c.hidden()}, (ll, in) -> Vit.attention(ll, "attn", in, c));
    }

    @Test
    void wholeTinyVitGradientsWithDropoutMasks() {
        VitConfig c = new VitConfig(4, 2, 2, 8, 12, 2, 2, 0.2, 0.2, 1e-6, false);
        Network net = Vit.build("tiny", c, 3, DataType.DOUBLE, 9);
        SplittableRandom r = new SplittableRandom(2);
        int b = 3;
        float[] img = new float[b * 2 * 4 * 4];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (2 * r.nextDouble() - 1);
        }
        Batch batch = new Batch(img, new int[] {0, 2, 1}, b, 2, 4, 4);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(Network.INPUT, net.input(batch));
        INDArray target = Nd4j.zeros(DataType.DOUBLE, b, 3);
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < 3; k++) {
                target.putScalar(i, k, batch.labels()[i] == k ? 0.9 : 0.05);
            }
        }
        feed.put(Network.TARGET, target);
        for (DropoutSite s : net.dropoutSites()) {
            feed.put(s.placeholder(), mask(r, s.shape().apply(b), s.rate()));
        }
        // generic weights: also cls, biases, LN scales away from their initial values
        for (String v : net.trainable()) {
            INDArray a = net.sd().getVariable(v).getArr();
            a.addi(random(r, a.shape()).muli(0.2));
        }
        List<String> vars = new ArrayList<>(net.trainable());
        GradCheck.check(net.sd(), feed, Network.LOSS, vars, 0, H, TOL);
        assertEquals(b * c.tokens(), net.input(batch).rows());
    }

    @Test
    void convolutionPoolingAndBatchNormGradientsInBothModes() {
        checkBlock(2, new long[] {2, 3, 6, 6}, 1.0, (ll, in) -> ll.conv("c", in, 3, 4, 3, 2));
        checkBlock(2, new long[] {2, 3, 4, 4}, 1.0, (ll, in) -> ll.maxPool(ll.conv("c", in, 3, 2, 1, 1), 2));
        for (double mode : new double[] {1.0, 0.0}) {
            checkBlock(3, new long[] {3, 2, 3, 3}, mode, (ll, in) -> ll.batchNorm("bn", in.mul(2.0).add(0.5), 2, 1e-5, 0.1));
        }
    }

    /** Batch norm's forward pass in training mode against plain Java: per channel over (N, H, W), biased variance, ε. */
    @Test
    void batchNormNormalisesPerChannelWithTheBatchStatistics() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, 1);
        SplittableRandom r = new SplittableRandom(3);
        INDArray x = random(r, 2, 3, 2, 2).muli(4).addi(1);
        SDVariable y = l.batchNorm("bn", sd.constant(x), 3, 0.25, 0.1);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(Layers.TRAINING, Nd4j.scalar(DataType.DOUBLE, 1.0));
        feed.put("bn/running_mean", Nd4j.zeros(DataType.DOUBLE, 1, 3, 1, 1));
        feed.put("bn/running_var", Nd4j.ones(DataType.DOUBLE, 1, 3, 1, 1));
        INDArray out = y.eval(feed);
        double[] v = x.data().asDouble();
        for (int c = 0; c < 3; c++) {
            double mu = 0;
            double sq = 0;
            for (int n = 0; n < 2; n++) {
                for (int k = 0; k < 4; k++) {
                    mu += v[n * 12 + c * 4 + k] / 8;
                }
            }
            for (int n = 0; n < 2; n++) {
                for (int k = 0; k < 4; k++) {
                    sq += Math.pow(v[n * 12 + c * 4 + k] - mu, 2) / 8;
                }
            }
            for (int n = 0; n < 2; n++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals((v[n * 12 + c * 4 + k] - mu) / Math.sqrt(sq + 0.25), out.getDouble(n, c, k / 2, k % 2), 1e-12);
                }
            }
        }
        assertEquals(8.0, sd.getVariable("bn/count").eval(feed).getDouble(0), 0.0);
    }

    /** ReLU kinks near a difference point cost accuracy: 1e-5 relative here. */
    @Test
    void residualBlocksGradients() {
        checkBlock(2, new long[] {2, 2, 4, 4}, 1.0, 1e-5, (ll, in) -> ResNet.basicBlock(ll, "down", in, 2, 3, 2));
        checkBlock(2, new long[] {2, 2, 4, 4}, 1.0, 1e-5, (ll, in) -> ResNet.basicBlock(ll, "same", in, 2, 2, 1));
    }

    /**
     * The reference graph of every model in the registry that is not a ViT (the conv nets and the
     * linear model; the ViT's layers are checked above), at its tiny size (the registry's example
     * spec: small widths), every variable, DOUBLE, training mode.
     */
    @Test
    void wholeTinyConvNetsGradients() {
        List<TinyModels.Tiny> models = TinyModels.notVit(2);
        assertTrue(models.size() >= 5, "the registry's conv nets: " + models);
        for (TinyModels.Tiny t : models) {
            int side = t.image();
            Network net = ReferenceGraphs.build(t.spec(), 2, side, 3, DataType.DOUBLE, 4);
            SplittableRandom r = new SplittableRandom(2);
            int b = 2;
            float[] img = new float[b * 2 * side * side];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) (2 * r.nextDouble() - 1);
            }
            Batch batch = new Batch(img, new int[] {0, 2}, b, 2, side, side);
            Map<String, INDArray> feed = new HashMap<>();
            feed.put(Network.INPUT, net.input(batch));
            INDArray target = Nd4j.zeros(DataType.DOUBLE, b, 3);
            target.putScalar(0, 0, 1.0);
            target.putScalar(1, 2, 1.0);
            feed.put(Network.TARGET, target);
            for (DropoutSite s : net.dropoutSites()) {
                feed.put(s.placeholder(), mask(r, s.shape().apply(b), s.rate()));
            }
            if (net.sd().hasVariable(Layers.TRAINING)) { // graphs with batch norm (not the linear model)
                feed.put(Layers.TRAINING, Nd4j.scalar(DataType.DOUBLE, 1.0));
            }
            for (BatchNormStats bn : net.batchNorms()) {
                feed.put(bn.runningMean(), Nd4j.zeros(DataType.DOUBLE, 1, bn.channels(), 1, 1));
                feed.put(bn.runningVar(), Nd4j.ones(DataType.DOUBLE, 1, bn.channels(), 1, 1));
            }
            try {
                GradCheck.check(net.sd(), feed, Network.LOSS, new ArrayList<>(net.trainable()), 0, H, 1e-5);
            } catch (AssertionError e) {
                throw new AssertionError(t + ": " + e.getMessage(), e);
            }
        }
    }
}
