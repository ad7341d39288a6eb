package org.gradreg.trainer.model;

import org.gradreg.optim.registry.Args;
import org.nd4j.linalg.api.buffer.DataType;

/** Builds one registered model from its checked overrides (an entry of {@link Models#REGISTRY}). */
@FunctionalInterface
public interface ModelFactory {

    /** A check of a model's overrides for channels×image² input. */
    @FunctionalInterface
    interface Check {
        void check(Args args, int channels, int image);
    }

    /**
     * Checks what the keys' ranges cannot (divisibility, the image side) for channels×image² input
     * without building anything, throwing an {@link IllegalArgumentException} that names the problem.
     */
    default void check(Args args, int channels, int image) {
    }

    /** The SameDiff network, called {@code name}, for channels×image² input and {@code classes} classes. */
    Network build(String name, Args args, int channels, int image, int classes, DataType type, long seed);

    /** {@code build} with {@code check} as its check. */
    static ModelFactory checked(Check check, ModelFactory build) {
        return new ModelFactory() {
            @Override
            public void check(Args args, int channels, int image) {
                check.check(args, channels, image);
            }

            @Override
            public Network build(String name, Args args, int channels, int image, int classes, DataType type, long seed) {
                return build.build(name, args, channels, image, classes, type, seed);
            }
        };
    }

    /** The ViT configuration for channels×image² input, or null for a model that is no ViT. */
    default VitConfig vit(Args args, int channels, int image) {
        return null;
    }
}
