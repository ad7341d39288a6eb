package org.gradreg.trainer.reference;

import org.gradreg.trainer.model.Models;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The SameDiff graph of every model of {@link Models#REGISTRY}: an independent second definition
 * (ND4J's automatic differentiation instead of the engines' hand-written backward passes), kept as
 * a test-only reference. A new model needs its graph here, or the contract tests fail naming it.
 */
public final class ReferenceGraphs {

    private ReferenceGraphs() {
    }

    /** The graph of {@code spec} for channels×image² input and {@code classes} classes, initialised from {@code seed}. */
    public static Network build(String spec, int channels, int image, int classes, DataType type, long seed) {
        Models.Model m = Models.parse(spec, channels, image);
        var a = m.args();
        return switch (m.name()) {
            case "linear" -> Linear.build(spec, channels, image, image, classes, type, seed);
            case "resnet18" -> ResNet.build(spec, a.count("width"), a.count("blocks"), channels, image, classes, type, seed);
            case "wrn-28-10" -> WideResNet.build(spec, a.count("depth"), a.count("widen"), a.number("dropout"), channels, image, classes,
                    type, seed);
            case "cnn-small" -> CnnSmall.build(spec, a.count("width"), channels, image, classes, type, seed);
            case "vgg16-bn" -> Vgg.build(spec, a.count("width"), channels, image, classes, type, seed);
            default -> {
                if (m.vit() != null) {
                    yield Vit.build(spec, m.vit(), classes, type, seed);
                }
                throw new AssertionError("model '" + m.name() + "' has no SameDiff reference graph: add one to ReferenceGraphs");
            }
        };
    }

    /** CIFAR-shaped input (3×32×32). */
    public static Network build(String spec, int classes, DataType type, long seed) {
        return build(spec, 3, 32, classes, type, seed);
    }

    /** The graph as an engine. */
    public static SameDiffEngine engine(String spec, int channels, int image, int classes, DataType type, long seed) {
        return new SameDiffEngine(build(spec, channels, image, classes, type, seed));
    }
}
