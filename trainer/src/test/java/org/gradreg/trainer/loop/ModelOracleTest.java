package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.gradreg.optim.FunctionOracle;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Pass;
import org.gradreg.optim.StepInfo;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.reference.Network;
import org.gradreg.trainer.reference.ReferenceGraphs;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.model.Engines;
import org.gradreg.trainer.reference.SameDiffEngine;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model oracle against a hand-written objective: softmax regression with label smoothing,
 * its loss and gradient in plain double. SAM/GR steps (with Adam) through both must agree.
 */
class ModelOracleTest {

    static {
        Trainer.threads(1);
    }

    private static final int C = 4;
    private static final double EPS = 0.1;

    /** Mean over the batch of −Σ t·log softmax(xW + b), θ = [W row-major (d×C), b]. */
    private static final class HandWritten implements VectorFunction {
        Batch batch;
        final int d;

        HandWritten(int d) {
            this.d = d;
        }

        private double[][] probs(double[] th) {
            int n = batch.size();
            double[][] p = new double[n][C];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < C; c++) {
                    double z = th[d * C + c];
                    for (int k = 0; k < d; k++) {
                        z += batch.images()[i * d + k] * th[k * C + c];
                    }
                    p[i][c] = z;
                    max = Math.max(max, z);
                }
                double s = 0;
                for (int c = 0; c < C; c++) {
                    p[i][c] = Math.exp(p[i][c] - max);
                    s += p[i][c];
                }
                for (int c = 0; c < C; c++) {
                    p[i][c] /= s;
                }
            }
            return p;
        }

        private double target(int i, int c) {
            return (batch.labels()[i] == c ? 1 - EPS : 0) + EPS / C;
        }

        @Override
        public double value(double[] th) {
            double[][] p = probs(th);
            double l = 0;
            for (int i = 0; i < p.length; i++) {
                for (int c = 0; c < C; c++) {
                    l -= target(i, c) * Math.log(p[i][c]);
                }
            }
            return l / p.length;
        }

        @Override
        public double[] gradient(double[] th) {
            double[][] p = probs(th);
            int n = p.length;
            double[] g = new double[th.length];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < C; c++) {
                    double delta = (p[i][c] - target(i, c)) / n;
                    g[d * C + c] += delta;
                    for (int k = 0; k < d; k++) {
                        g[k * C + c] += batch.images()[i * d + k] * delta;
                    }
                }
            }
            return g;
        }
    }

    private static double[] flat(ModelOracle o) {
        INDArray w = o.params().get("linear/kernel");
        INDArray b = o.params().get("linear/bias");
        double[] wd = w.dup('c').data().asDouble();
        double[] bd = b.dup('c').data().asDouble();
        double[] th = new double[wd.length + bd.length];
        System.arraycopy(wd, 0, th, 0, wd.length);
        System.arraycopy(bd, 0, th, wd.length, bd.length);
        return th;
    }

    private static void compare(GradientEstimator est) {
        DataSplit data = SyntheticCifar.generate(64, 8, C, 4, 3);
        Batches batches = Batches.training(data.train(), 8, true, 5);
        ModelOracle sdo = new ModelOracle(Engines.build("linear", 3, 4, C, DataType.DOUBLE, 1));
        int d = 3 * 4 * 4;
        HandWritten f = new HandWritten(d);
        FunctionOracle fo = FunctionOracle.of(f, flat(sdo));
        Optimizer a = Optim.optimizer(Optim.adam(1e-2)).estimator(est).transform(Optim.clip(5.0));
        Optimizer b = Optim.optimizer(Optim.adam(1e-2)).estimator(est).transform(Optim.clip(5.0));
        for (int step = 0; step < 4; step++) {
            Batch batch = batches.get(0, step);
            sdo.setBatch(batch, EPS, step);
            f.batch = batch;
            StepInfo si = a.step(sdo);
            StepInfo fi = b.step(fo);
            assertEquals(fi.loss(), si.loss(), 1e-12);
            assertEquals(fi.gradNorm(), si.gradNorm(), 1e-12);
            assertEquals(fi.evaluations(), si.evaluations());
            assertArrayEquals(fo.theta(), flat(sdo), 1e-12);
        }
        assertNotEquals(0.0, fo.theta()[0] - flat(new ModelOracle(Engines.build("linear", 3, 4, C, DataType.DOUBLE, 1)))[0]);
    }

    @Test
    void grStepThroughTheOracleEqualsTheHandWrittenObjective() {
        compare(Optim.gr(0.1, 0.8));
    }

    @Test
    void samStepThroughTheOracleEqualsTheHandWrittenObjective() {
        compare(Optim.sam(0.05));
    }

    @Test
    void gnrStepThroughTheOracleEqualsTheHandWrittenObjective() {
        compare(Optim.gnr(0.1, 0.1));
    }

    private static double[] flatGradient(org.gradreg.optim.estimator.Estimate e) {
        double[] w = e.gradient().get("linear/kernel").dup('c').data().asDouble();
        double[] b = e.gradient().get("linear/bias").dup('c').data().asDouble();
        double[] g = java.util.Arrays.copyOf(w, w.length + b.length);
        System.arraycopy(b, 0, g, w.length, b.length);
        return g;
    }

    private static Batch slice(Batch b, int from, int n) {
        int per = b.channels() * b.height() * b.width();
        return new Batch(java.util.Arrays.copyOfRange(b.images(), from * per, (from + n) * per),
                java.util.Arrays.copyOfRange(b.labels(), from, from + n), n, b.channels(), b.height(), b.width());
    }

    /**
     * The estimators' perturbation scope through gradient accumulation (issue 24): scope=full over
     * two micro-batches is SAM on the whole batch (today's accumulation); scope=micro is SAM on
     * each micro-batch alone, with its own g₁ and ascent, the two gradients averaged.
     */
    @Test
    void perturbationScopeOverMicroBatches() {
        DataSplit data = SyntheticCifar.generate(64, 8, C, 4, 3);
        Batch batch = Batches.training(data.train(), 8, true, 5).get(0, 0);
        ModelOracle accumulated = new ModelOracle(Engines.build("linear", 3, 4, C, DataType.DOUBLE, 1), 2);
        accumulated.setBatch(batch, EPS, 0);
        ModelOracle whole = new ModelOracle(Engines.build("linear", 3, 4, C, DataType.DOUBLE, 1));
        whole.setBatch(batch, EPS, 0);
        assertArrayEquals(flatGradient(Optim.sam(0.05).estimate(whole, 0)),
                flatGradient(Optim.estimator("sam:rho=0.05,scope=full").estimate(accumulated, 0)), 1e-12);

        double[] expected = new double[3 * 4 * 4 * C + C];
        for (int k = 0; k < 2; k++) {
            ModelOracle half = new ModelOracle(Engines.build("linear", 3, 4, C, DataType.DOUBLE, 1));
            half.setBatch(slice(batch, 4 * k, 4), EPS, 0);
            double[] g = flatGradient(Optim.sam(0.05).estimate(half, 0));
            for (int i = 0; i < g.length; i++) {
                expected[i] += g[i] / 2;
            }
        }
        org.gradreg.optim.estimator.Estimate micro = Optim.estimator("sam:rho=0.05,scope=micro").estimate(accumulated, 0);
        assertArrayEquals(expected, flatGradient(micro), 1e-12);
        assertEquals(4, micro.evaluations());
        assertEquals(8, accumulated.lastPrimaryCorrect()[1], "the two primary parts count the whole batch");
        IllegalArgumentException part = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> accumulated.evaluate(Pass.PRIMARY, 2, 4));
        org.junit.jupiter.api.Assertions.assertTrue(part.getMessage().contains("whole micro-batches of 4"), part.getMessage());
    }

    @Test
    void dropoutMasksAreFixedWithinAStepAndSeeded() {
        DataSplit data = SyntheticCifar.generate(32, 8, C, 8, 3);
        Engine net = Engines.build("vit-micro:dropout=0.3,attn_dropout=0.3,patch=4,zero_head=0", 3, 8, C, DataType.DOUBLE, 2);
        ModelOracle o = new ModelOracle(net);
        Batch b = Batches.training(data.train(), 4, true, 1).get(0, 0);
        o.setBatch(b, 0, 77);
        double l1 = o.evaluate(Pass.PRIMARY).loss();
        double l2 = o.evaluate(Pass.PERTURBED).loss();
        assertEquals(l1, l2, 0.0); // same masks, same weights
        o.setBatch(b, 0, 78);
        assertNotEquals(l1, o.evaluate(Pass.PRIMARY).loss());
        o.setBatch(b, 0, 77);
        assertEquals(l1, o.evaluate(Pass.PRIMARY).loss(), 0.0);
        // gradients are copies: a later evaluation does not change them
        var g = o.evaluate().gradient();
        double before = g.norm2();
        o.params().get("head/kernel").addi(0.5);
        o.evaluate();
        assertEquals(before, g.norm2(), 0.0);
        Map<String, INDArray> snap = o.snapshot();
        assertEquals(net.parameters().size(), snap.size());
    }

    /**
     * Batch-norm running statistics move only on primary passes, by torch's rule (momentum 0.1,
     * unbiased variance), computed here in plain Java from the stem's batch statistics; evaluation
     * mode reads them.
     */
    @Test
    void batchNormRunningStatisticsFollowPrimaryPassesOnly() {
        DataSplit data = SyntheticCifar.generate(32, 8, C, 32, 3);
        Network net = ReferenceGraphs.build("resnet18:width=2,blocks=1", 3, 32, C, DataType.DOUBLE, 2);
        ModelOracle o = new ModelOracle(new SameDiffEngine(net));
        Batch b = Batches.training(data.train(), 4, false, 1).get(0, 0);
        o.setBatch(b, 0, 5);
        String mean = "stem/bn/running_mean";
        String var = "stem/bn/running_var";
        o.evaluate(Pass.PERTURBED);
        assertEquals(0.0, o.runningStatistics().get(mean).sumNumber().doubleValue(), 0.0);
        assertEquals(2.0, o.runningStatistics().get(var).sumNumber().doubleValue(), 0.0);
        double evalBefore = o.evalLoss();
        o.evaluate(Pass.PRIMARY);
        // the stem conv's output, channel by channel, in plain Java from the graph's conv output
        Map<String, INDArray> feed = new java.util.HashMap<>();
        feed.put(Network.INPUT, net.input(b));
        INDArray conv = net.sd().getVariable("stem/bn/batch_mean").eval(withTraining(net, feed));
        INDArray batchVar = net.sd().getVariable("stem/bn/batch_var").eval(withTraining(net, feed));
        double n = 4 * 32 * 32;
        for (int c = 0; c < 2; c++) {
            assertEquals(0.1 * conv.getDouble(0, c, 0, 0), o.runningStatistics().get(mean).getDouble(0, c, 0, 0), 1e-12);
            assertEquals(0.9 + 0.1 * batchVar.getDouble(0, c, 0, 0) * n / (n - 1), o.runningStatistics().get(var).getDouble(0, c, 0, 0),
                    1e-12);
        }
        assertNotEquals(evalBefore, o.evalLoss());
    }

    private static Map<String, INDArray> withTraining(Network net, Map<String, INDArray> feed) {
        feed.put(org.gradreg.trainer.reference.Layers.TRAINING, org.nd4j.linalg.factory.Nd4j.scalar(DataType.DOUBLE, 1.0));
        for (var bn : net.batchNorms()) {
            feed.put(bn.runningMean(), org.nd4j.linalg.factory.Nd4j.zeros(DataType.DOUBLE, 1, bn.channels(), 1, 1));
            feed.put(bn.runningVar(), org.nd4j.linalg.factory.Nd4j.ones(DataType.DOUBLE, 1, bn.channels(), 1, 1));
        }
        return feed;
    }
}
