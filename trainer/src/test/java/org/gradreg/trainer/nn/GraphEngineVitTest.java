package org.gradreg.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Pass;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Engines;
import org.gradreg.trainer.reference.Network;
import org.gradreg.trainer.reference.ReferenceGraphs;
import org.gradreg.trainer.reference.SameDiffEngine;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written ViT against two independent computations: central differences of its own loss
 * in DOUBLE (every parameter tensor, with dropout masks on), and the SameDiff ViT graph built from
 * the same configuration and seed (same loss and gradients, so the two engines define one model).
 */
class GraphEngineVitTest {

    private static final String SPEC = "vit-micro:patch=4,hidden=12,mlp=20,heads=3,layers=2,dropout=0.2,attn_dropout=0.25,zero_head=0";
    private static final int C = Fixtures.CLASSES;

    private static Batch batch(int n, int size, long seed) {
        return Fixtures.batch(n, size, seed);
    }

    private static Map<String, INDArray> masks(Engine e, int batch, long seed) {
        return Fixtures.masks(e, batch, seed);
    }

    @Test
    void gradientsMatchCentralDifferencesInDouble() {
        Engine e = Engines.build(SPEC, 3, 8, C, DataType.DOUBLE, 7);
        Batch b = batch(3, 8, 1);
        INDArray in = e.input(b);
        INDArray target = ModelOracle.targets(b.labels(), C, 0.1, DataType.DOUBLE);
        Map<String, INDArray> masks = masks(e, 3, 11);
        int checked = Fixtures.checkGradients(e, in, target, masks, 4, SPEC);
        assertTrue(checked > 40, "checked " + checked);
    }

    @Test
    void equalsTheSameDiffGraphOfTheSameModel() {
        Engine hand = Engines.build(SPEC, 3, 8, C, DataType.DOUBLE, 4);
        Network net = ReferenceGraphs.build(SPEC, 3, 8, C, DataType.DOUBLE, 4);
        Engine graph = new SameDiffEngine(net);
        assertEquals(graph.parameters().keySet().stream().sorted().toList(), hand.parameters().keySet().stream().sorted().toList());
        for (String k : graph.parameters().keySet()) {
            assertEquals(0.0, graph.parameters().get(k).sub(hand.parameters().get(k)).amaxNumber().doubleValue(), 0.0, k);
        }
        Batch b = batch(4, 8, 2);
        INDArray target = ModelOracle.targets(b.labels(), C, 0.0, DataType.DOUBLE);
        Map<String, INDArray> masks = masks(hand, 4, 5);
        Engine.Result rh = hand.lossAndGradients(hand.input(b), target, masks, false, true);
        Engine.Result rg = graph.lossAndGradients(graph.input(b), target, masks, false, true);
        assertEquals(rg.loss(), rh.loss(), 1e-12);
        // relative to the largest gradient entry (the key bias's gradient is zero up to rounding)
        double scale = rg.gradients().values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElseThrow();
        for (String k : graph.parameters().keySet()) {
            INDArray gg = rg.gradients().get(k);
            INDArray gh = rh.gradients().get(k);
            assertEquals(0.0, gg.sub(gh.reshape(gg.shape())).amaxNumber().doubleValue() / scale, 1e-9, k);
        }
        // evaluation mode: no dropout
        assertEquals(graph.loss(graph.input(b), target, masks, true).loss(), hand.loss(hand.input(b), target, masks, true).loss(), 1e-12);
    }

    /**
     * Gradient accumulation: K micro-batches of B give the step of one batch of K·B (no dropout,
     * no batch norm) to rounding, for SAM, GR and GNR — the perturbation uses the full-batch g₁.
     */
    @Test
    void accumulationEqualsOneLargeBatch() {
        String spec = "vit-micro:patch=4,hidden=8,mlp=16,heads=2,layers=1,dropout=0,attn_dropout=0,zero_head=0";
        Batch b = batch(8, 8, 3);
        for (var est : java.util.List.of(Optim.sam(0.05), Optim.gr(0.05, 0.8), Optim.gnr(0.1, 0.1))) {
            ModelOracle one = new ModelOracle(Engines.build(spec, 3, 8, C, DataType.DOUBLE, 9));
            ModelOracle four = new ModelOracle(Engines.build(spec, 3, 8, C, DataType.DOUBLE, 9), 4);
            // SGD: Adam would blow the rounding noise of zero gradients (the key bias) up to full steps
            Optimizer o1 = Optim.optimizer(Optim.sgd(0.5)).estimator(est);
            Optimizer o4 = Optim.optimizer(Optim.sgd(0.5)).estimator(est);
            for (int step = 0; step < 3; step++) {
                one.setBatch(b, 0.1, step);
                four.setBatch(b, 0.1, step);
                assertEquals(o1.step(one).loss(), o4.step(four).loss(), 1e-12, est.toString());
            }
            for (String k : one.params().names()) {
                assertEquals(0.0, one.params().get(k).sub(four.params().get(k)).amaxNumber().doubleValue(), 1e-12, est + " " + k);
            }
            assertEquals(0, four.evaluate(Pass.PRIMARY).loss() - one.evaluate(Pass.PRIMARY).loss(), 1e-12);
        }
    }

    /** Alternating batch sizes (training, then a smaller last evaluation batch) frees and remakes the buffers without changing results. */
    @Test
    void changingTheBatchSizeKeepsResults() {
        Engine e = Engines.build(SPEC, 3, 8, C, DataType.DOUBLE, 7);
        Batch four = batch(4, 8, 1);
        Batch three = batch(3, 8, 2);
        INDArray t4 = ModelOracle.targets(four.labels(), C, 0.0, DataType.DOUBLE);
        INDArray t3 = ModelOracle.targets(three.labels(), C, 0.0, DataType.DOUBLE);
        double first = e.lossAndGradients(e.input(four), t4, Map.of(), true, false).loss();
        double small = e.loss(e.input(three), t3, Map.of(), true).loss();
        assertEquals(first, e.lossAndGradients(e.input(four), t4, Map.of(), true, false).loss(), 0.0);
        assertEquals(small, e.loss(e.input(three), t3, Map.of(), true).loss(), 0.0);
    }
}
