package org.gradreg.trainer.nn;

import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.model.VitConfig;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Models by spec ({@link Models#REGISTRY}, overrides after a colon) as engines: the ViTs run on the
 * hand-written {@link VitEngine}, the convolutional models and {@code linear} on the hand-written
 * {@link ConvEngine}; anything else on its SameDiff graph.
 */
public final class Engines {

    private Engines() {
    }

    /** Builds {@code spec} for images of channels×image×image and {@code classes} classes, initialised from {@code seed}. */
    public static Engine build(String spec, int channels, int image, int classes, DataType type, long seed) {
        Models.Model m = Models.parse(spec, channels, image);
        VitConfig vc = m.vit();
        if (vc != null) {
            return new VitEngine(spec, vc, classes, type, seed);
        }
        ConvEngine conv = ConvEngine.build(spec, channels, image, classes, type, seed);
        if (conv != null) {
            return conv;
        }
        return new SameDiffEngine(m.build(classes, type, seed));
    }

    /** CIFAR-shaped input (3×32×32). */
    public static Engine build(String spec, int classes, DataType type, long seed) {
        return build(spec, 3, 32, classes, type, seed);
    }
}
