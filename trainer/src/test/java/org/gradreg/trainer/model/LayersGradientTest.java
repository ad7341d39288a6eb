package org.gradreg.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.apache.commons.math3.special.Erf;
import org.gradreg.trainer.data.Batch;
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
        org.gradreg.trainer.Trainer.threads(1);
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
        SplittableRandom r = new SplittableRandom(5);
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, 3);
        SDVariable x = l.variable("x", random(r, shape).data().asDouble(), shape);
        SDVariable out = block.apply(l, x);
        Map<String, INDArray> feed = new HashMap<>();
        for (DropoutSite s : l.dropoutSites()) {
            feed.put(s.placeholder(), mask(r, s.shape().apply(batch), s.rate()));
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
        GradCheck.check(sd, feed, "loss", new ArrayList<>(l.trainable()), 4, H, TOL);
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
}
