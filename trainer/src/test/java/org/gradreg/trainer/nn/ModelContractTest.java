package org.gradreg.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gradreg.common.registry.Args;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.model.Engines;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.model.TinyModels;
import org.gradreg.trainer.model.TinyModels.Tiny;
import org.gradreg.trainer.reference.ReferenceGraphs;
import org.gradreg.trainer.reference.SameDiffEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Contracts every model of {@link Models#REGISTRY} keeps, checked by iterating the registry (as
 * {@code RegistryContractTest} does for optim's): each entry is built at its example spec (a tiny
 * size), on the smallest of 8×8, 16×16 and 32×32 three-channel images it accepts, for 3 classes.
 * The contracts: (a) DOUBLE central differences of every parameter tensor, (b) the parameter count
 * against the architecture's formula, (c) seeded initialisation, (d) equality with the model's
 * SameDiff reference graph ({@link ReferenceGraphs}). A new model is tested by adding its entry (and its reference graph); a new architecture family also needs its parameter
 * formula in {@link #expectedParameters}.
 */
class ModelContractTest {

    private static final int CHANNELS = 3;
    private static final int CLASSES = 3;

    static Stream<Arguments> models() {
        return TinyModels.all(CHANNELS).stream().map(Arguments::of);
    }

    /** (a) Central differences in DOUBLE at two random entries of every parameter tensor (dropout masks fixed). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void gradientsMatchCentralDifferencesInDouble(Tiny t) {
        Engine e = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 7);
        Batch b = Fixtures.batch(2, t.image(), CLASSES, 1);
        INDArray in = e.input(b);
        INDArray target = ModelOracle.targets(b.labels(), CLASSES, 0.1, DataType.DOUBLE);
        Map<String, INDArray> masks = Fixtures.masks(e, 2, 11);
        int checked = Fixtures.checkGradients(e, in, target, masks, 2, t.toString());
        long expected = e.parameters().values().stream().mapToLong(w -> Math.min(2, w.length())).sum();
        assertEquals(expected, checked, t + ": entries checked");
    }

    /** (b) The parameter count of the engine and of the SameDiff graph against the architecture's formula. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void parameterCountFollowsTheArchitecture(Tiny t) {
        long expected = expectedParameters(t, CLASSES);
        Engine e = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 1);
        assertEquals(expected, e.parameters().values().stream().mapToLong(INDArray::length).sum(), t + " engine");
        assertEquals(expected, org.gradreg.trainer.reference.ReferenceGraphs.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 1).parameterCount(), t + " graph");
    }

    /** (c) The same seed gives bit-identical parameters, another seed different ones. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void seedDeterminesTheParameters(Tiny t) {
        Map<String, INDArray> a = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 5).parameters();
        Map<String, INDArray> b = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 5).parameters();
        Map<String, INDArray> c = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 6).parameters();
        assertEquals(a.keySet(), b.keySet(), t.toString());
        boolean differs = false;
        for (String k : a.keySet()) {
            assertTrue(Arrays.equals(bits(a.get(k)), bits(b.get(k))), t + " " + k + " with the same seed");
            differs |= !Arrays.equals(bits(a.get(k)), bits(c.get(k)));
        }
        assertTrue(differs, t + ": seeds 5 and 6 give the same parameters");
    }

    /**
     * (d) The engine equals the model's SameDiff reference graph (ND4J's automatic differentiation)
     * built from the same spec and seed: the same parameters in the same order, running statistics
     * and dropout sites; loss, logits and gradients in training mode (a primary pass, which moves
     * the running statistics of both alike) and in evaluation mode.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void engineEqualsTheSameDiffReferenceGraph(Tiny t) {
        int n = 3;
        Engine hand = Engines.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 4);
        Engine graph = new SameDiffEngine(ReferenceGraphs.build(t.spec(), CHANNELS, t.image(), CLASSES, DataType.DOUBLE, 4));
        assertEquals(List.copyOf(graph.parameters().keySet()), List.copyOf(hand.parameters().keySet()), t.toString());
        for (String k : graph.parameters().keySet()) {
            INDArray a = graph.parameters().get(k);
            INDArray b = hand.parameters().get(k);
            assertEquals(Arrays.toString(a.shape()), Arrays.toString(b.shape()), t + " " + k);
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0, t + " " + k);
        }
        assertEquals(graph.runningStatistics().keySet(), hand.runningStatistics().keySet(), t.toString());
        assertEquals(graph.dropoutSites().stream().map(DropoutSite::placeholder).toList(),
                hand.dropoutSites().stream().map(DropoutSite::placeholder).toList(), t.toString());
        Batch b = Fixtures.batch(n, t.image(), CLASSES, 2);
        INDArray target = ModelOracle.targets(b.labels(), CLASSES, 0.0, DataType.DOUBLE);
        Map<String, INDArray> masks = Fixtures.masks(hand, n, 5);
        compare(t + " training", graph.lossAndGradients(graph.input(b), target, masks, false, true),
                hand.lossAndGradients(hand.input(b), target, masks, false, true), graph);
        for (String k : graph.runningStatistics().keySet()) {
            assertEquals(0.0, graph.runningStatistics().get(k).sub(hand.runningStatistics().get(k)).amaxNumber().doubleValue(), 1e-12,
                    t + " " + k);
        }
        Batch b2 = Fixtures.batch(n, t.image(), CLASSES, 3);
        INDArray target2 = ModelOracle.targets(b2.labels(), CLASSES, 0.1, DataType.DOUBLE);
        compare(t + " evaluation", graph.lossAndGradients(graph.input(b2), target2, masks, true, false),
                hand.lossAndGradients(hand.input(b2), target2, masks, true, false), graph);
        assertEquals(graph.loss(graph.input(b2), target2, masks, true).loss(), hand.loss(hand.input(b2), target2, masks, true).loss(),
                1e-12, t.toString());
    }

    /** Loss and logits to 1e-12/1e-10, gradients to 1e-9 of the largest gradient entry (some are zero up to rounding). */
    private static void compare(String what, Engine.Result rg, Engine.Result rh, Engine graph) {
        assertEquals(rg.loss(), rh.loss(), 1e-12, what);
        assertEquals(0.0, rg.logits().sub(rh.logits()).amaxNumber().doubleValue(), 1e-10, what);
        double scale = rg.gradients().values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElseThrow();
        for (String k : graph.parameters().keySet()) {
            INDArray gg = rg.gradients().get(k);
            INDArray gh = rh.gradients().get(k);
            assertEquals(0.0, gg.sub(gh.reshape(gg.shape())).amaxNumber().doubleValue() / scale, 1e-9, what + " " + k);
        }
    }

    private static long[] bits(INDArray x) {
        return Arrays.stream(x.dup('c').data().asDouble()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    /**
     * The parameter count from the architecture's definition, in plain arithmetic on the spec's
     * values (convolutions without bias; batch and layer norms with scale and shift; linear layers
     * with bias).
     */
    private static long expectedParameters(Tiny t, long k) {
        Models.Model m = Models.parse(t.spec(), CHANNELS, t.image());
        Args a = m.args();
        String family = m.name().startsWith("vit-") ? "vit" : m.name();
        switch (family) {
            case "linear" -> {
                return (long) CHANNELS * t.image() * t.image() * k + k;
            }
            case "vit" -> {
                long d = a.integer("hidden");
                long mlp = a.integer("mlp");
                long p = a.integer("patch");
                long tokens = (t.image() / p) * (t.image() / p) + 1;
                long block = 2 * (2 * d) + 4 * (d * d + d) + (d * mlp + mlp) + (mlp * d + d);
                return (p * p * CHANNELS * d + d) + d + tokens * d + a.integer("layers") * block + 2 * d + (d * k + k);
            }
            case "resnet18" -> {
                long w = a.integer("width");
                long count = convBn(3, CHANNELS, w);
                long in = w;
                for (int stage = 0; stage < 4; stage++) {
                    long out = w << stage;
                    for (long b = 0; b < a.integer("blocks"); b++) {
                        boolean downsample = stage > 0 && b == 0;
                        count += convBn(3, in, out) + convBn(3, out, out) + (downsample || in != out ? convBn(1, in, out) : 0);
                        in = out;
                    }
                }
                return count + in * k + k;
            }
            case "wrn-28-10" -> {
                // pre-activation: BN before each convolution, 1x1 shortcut convolutions without BN, a final BN
                long n = (a.integer("depth") - 4) / 6;
                long count = 9L * CHANNELS * 16;
                long in = 16;
                for (int stage = 0; stage < 3; stage++) {
                    long out = (16L << stage) * a.integer("widen");
                    for (long b = 0; b < n; b++) {
                        boolean downsample = stage > 0 && b == 0;
                        count += 2 * in + 9 * in * out + 2 * out + 9 * out * out + (downsample || in != out ? in * out : 0);
                        in = out;
                    }
                }
                return count + 2 * in + in * k + k;
            }
            case "cnn-small" -> {
                // [conv3x3-BN-ReLU x2, max pool] at w then 2w channels, flatten 2w x (side/4)^2, linear head
                long w = a.integer("width");
                long side = t.image() / 4;
                return convBn(3, CHANNELS, w) + convBn(3, w, w) + convBn(3, w, 2 * w) + convBn(3, 2 * w, 2 * w)
                        + 2 * w * side * side * k + k;
            }
            case "vgg16-bn" -> {
                long w = a.integer("width");
                long count = 0;
                long in = CHANNELS;
                for (long multiple : new long[] {1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 8, 8, 8}) {
                    count += convBn(3, in, multiple * w);
                    in = multiple * w;
                }
                return count + in * k + k;
            }
            default -> {
                fail("no parameter formula for model family '" + family + "': add it to ModelContractTest.expectedParameters");
                return -1;
            }
        }
    }

    /** A k×k convolution from a to b channels without bias, then batch norm (γ, β). */
    private static long convBn(long kernel, long a, long b) {
        return kernel * kernel * a * b + 2 * b;
    }

    /** The formulas are the published architectures': the full-size counts of ResNet-18 and WRN-28-10 on CIFAR-10. */
    @Test
    void formulasReproduceThePublishedFullSizeCounts() {
        // as the reference implementations print (conv without bias, BN γ/β, fc with bias)
        assertEquals(11_173_962L, expectedParameters(new Tiny("resnet18", 32, false), 10));
        assertEquals(36_479_194L, expectedParameters(new Tiny("wrn-28-10", 32, false), 10));
    }
}
