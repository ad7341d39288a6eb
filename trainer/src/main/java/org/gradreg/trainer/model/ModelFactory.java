package org.gradreg.trainer.model;

import org.gradreg.common.registry.Args;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.nn.VitConfig;

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

    /** The runnable engine, called {@code name}, for channels×image² input and {@code classes} classes, on {@code backend}. */
    Engine engine(String name, Args args, int channels, int image, int classes, Backend backend, long seed);

    /** {@code build} with {@code check} as its check. */
    static ModelFactory checked(Check check, ModelFactory build) {
        return new ModelFactory() {
            @Override
            public void check(Args args, int channels, int image) {
                check.check(args, channels, image);
            }

            @Override
            public Engine engine(String name, Args args, int channels, int image, int classes, Backend backend, long seed) {
                return build.engine(name, args, channels, image, classes, backend, seed);
            }
        };
    }

    /** The ViT configuration for channels×image² input, or null for a model that is no ViT. */
    default VitConfig vit(Args args, int channels, int image) {
        return null;
    }
}
