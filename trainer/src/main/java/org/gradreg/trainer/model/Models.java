package org.gradreg.trainer.model;

import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.common.registry.Registry;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.nn.Architectures;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.nn.VitConfig;

/**
 * Models by name, with optional overrides after a colon, e.g. {@code vit-ti},
 * {@code vit-nano:layers=2,hidden=32,image=16}, {@code resnet18:width=16},
 * {@code wrn-28-10:depth=10,widen=1}, {@code vgg16-bn:width=8}, {@code cnn-small:width=16}. {@link #REGISTRY} holds one entry
 * per model (description, override keys with defaults and ranges, a tiny example, factory): the
 * names {@code --model} accepts, its help, the "known: …" messages, docs/registries.md and the
 * model contract tests all come from it, and its factory builds the runnable engine on a backend.
 */
public final class Models {

    private Models() {
    }

    /** Sizes and counts: whole numbers from 1. */
    private static final Range COUNT = Range.atLeast(1);

    /** A model spec checked for channels×image² input: the entry, its overrides, the input shape. */
    public record Model(String spec, Entry<ModelFactory> entry, Args args, int channels, int image) {

        public String name() {
            return entry.name();
        }

        /** The engine for {@code classes} classes on {@code backend}, initialised from {@code seed}. */
        public Engine engine(int classes, Backend backend, long seed) {
            return entry.factory().engine(spec, args, channels, image, classes, backend, seed);
        }

        /** The ViT configuration, or null if the model is no ViT. */
        public VitConfig vit() {
            return entry.factory().vit(args, channels, image);
        }
    }

    /** gnp's CIFAR ViT sizes (patch 4 on 32×32, dropout 0.1, attention dropout 0.1, LayerNorm ε 1e-6) and two small CPU ViTs. */
    public static final Registry<ModelFactory> REGISTRY = new Registry<ModelFactory>("model",
            Entry.<ModelFactory>of("linear", "softmax regression on the flattened image (convex; for tests and sanity runs)",
                    (name, a, channels, image, classes, be, seed) -> Architectures.linear(name, channels, image, classes, be, seed)),
            vit("vit-nano", "ViT-Ti's shape scaled down for CPU runs, dropout 0.1",
                    new VitConfig(32, 4, 3, 64, 128, 2, 4, 0.1, 0.1, 1e-6, true))
                    .example("hidden=8,mlp=16,heads=2,layers=1"),
            vit("vit-micro", "the smallest ViT, no dropout", new VitConfig(32, 8, 3, 32, 64, 2, 2, 0.0, 0.0, 1e-6, true))
                    .example("patch=4,hidden=8,mlp=16,layers=1"),
            vit("vit-ti", "ViT-Tiny, gnp's CIFAR ViT (harmful-GR paper), dropout 0.1",
                    new VitConfig(32, 4, 3, 192, 768, 3, 12, 0.1, 0.1, 1e-6, true))
                    .example("hidden=12,mlp=24,layers=1,heads=3"),
            vit("vit-s", "ViT-Small, gnp's CIFAR ViT, dropout 0.1", new VitConfig(32, 4, 3, 384, 1536, 6, 12, 0.1, 0.1, 1e-6, true))
                    .example("hidden=12,mlp=24,layers=1"),
            vit("vit-b", "ViT-Base, gnp's CIFAR ViT, dropout 0.1", new VitConfig(32, 4, 3, 768, 3072, 12, 12, 0.1, 0.1, 1e-6, true))
                    .example("hidden=24,mlp=24,layers=1"),
            Entry.<ModelFactory>of("resnet18", "ResNet-18 with the CIFAR stem: four stages of basic blocks of width w, 2w, 4w, 8w",
                    (name, a, channels, image, classes, be, seed) -> Architectures.resnet18(name, a.count("width"), a.count("blocks"),
                            channels, image, classes, be, seed),
                    Key.integer("width", 64L, COUNT, "channels of the first stage"),
                    Key.integer("blocks", 2L, COUNT, "basic blocks per stage")).example("width=4,blocks=1"),
            Entry.of("cnn-small", "small CNN with batch norm for Fashion-MNIST: [conv3x3(w)-BN-ReLU x2, max pool 2] then "
                            + "[conv3x3(2w)-BN-ReLU x2, max pool 2], flatten, linear head (96,554 parameters on 1x28x28, 10 classes)",
                    ModelFactory.checked((a, channels, image) -> {
                        if (image % 4 != 0) {
                            throw new IllegalArgumentException("cnn-small pools twice: the image side must be a multiple of 4, got " + image);
                        }
                    }, (name, a, channels, image, classes, be, seed) -> Architectures.cnnSmall(name, a.count("width"), channels, image, classes,
                            be, seed)),
                    Key.integer("width", 32L, COUNT, "channels of the first stage (2w in the second)")).example("width=2"),
            Entry.of("wrn-28-10", "WideResNet (Zagoruyko & Komodakis 2016) with pre-activation blocks", ModelFactory.checked(
                    (a, channels, image) -> {
                        if ((a.integer("depth") - 4) % 6 != 0) {
                            throw new IllegalArgumentException("wide resnet needs depth = 6n + 4 (n >= 1), got depth=" + a.integer("depth"));
                        }
                    },
                    (name, a, channels, image, classes, be, seed) -> Architectures.wideResnet(name, a.count("depth"), a.count("widen"),
                            a.number("dropout"), channels, image, classes, be, seed)),
                    Key.integer("depth", 28L, Range.atLeast(10), "layers: 6n + 4"),
                    Key.integer("widen", 10L, COUNT, "widening factor k"),
                    Key.number("dropout", 0.0, Range.UNIT, "dropout between the convolutions of a block"))
                    .example("depth=10,widen=1,dropout=0.3"),
            Entry.of("vgg16-bn", "VGG16 with batch norm (13 conv-BN layers, five max pools), global average pool, linear head",
                    ModelFactory.checked((a, channels, image) -> {
                        if (image % 32 != 0) {
                            throw new IllegalArgumentException("vgg16 pools five times: the image side must be a multiple of 32, got " + image);
                        }
                    }, (name, a, channels, image, classes, be, seed) -> Architectures.vgg16(name, a.count("width"), channels, image, classes, be,
                            seed)),
                    Key.integer("width", 64L, COUNT, "channels of the first block (doubling to 8w)")).example("width=2"))
            .keysCalled("override");

    /** A ViT entry whose keys default to {@code base}'s values (the image side defaults to the data's). */
    private static Entry<ModelFactory> vit(String name, String what, VitConfig base) {
        ModelFactory f = new ModelFactory() {
            @Override
            public void check(Args args, int channels, int image) {
                vit(args, channels, image);
            }

            @Override
            public Engine engine(String spec, Args args, int channels, int image, int classes, Backend be, long seed) {
                return Architectures.vit(spec, vit(args, channels, image), classes, be, seed);
            }

            @Override
            public VitConfig vit(Args a, int channels, int image) {
                return new VitConfig(a.given("image") ? a.count("image") : image, a.count("patch"), channels,
                        a.count("hidden"), a.count("mlp"), a.count("heads"), a.count("layers"),
                        a.number("dropout"), a.number("attn_dropout"), a.number("eps"), a.integer("zero_head") != 0);
            }
        };
        return Entry.of(name, what + ": hidden " + base.hidden() + ", MLP " + base.mlp() + ", " + base.layers() + " layers, "
                        + base.heads() + " heads, patch " + base.patch(), f,
                Key.optionalInteger("image", COUNT, "image side (default: the data's)"),
                Key.integer("patch", (long) base.patch(), COUNT, "patch side; divides the image side"),
                Key.integer("hidden", (long) base.hidden(), COUNT, "embedding width; a multiple of heads"),
                Key.integer("mlp", (long) base.mlp(), COUNT, "MLP hidden width"),
                Key.integer("heads", (long) base.heads(), COUNT, "attention heads"),
                Key.integer("layers", (long) base.layers(), COUNT, "transformer blocks"),
                Key.number("dropout", base.dropout(), Range.UNIT, "dropout after the embedding, attention and MLP"),
                Key.number("attn_dropout", base.attentionDropout(), Range.UNIT, "dropout on the attention weights"),
                Key.number("eps", base.eps(), Range.POSITIVE, "LayerNorm epsilon"),
                Key.integer("zero_head", base.zeroHead() ? 1L : 0L, Range.closed(0, 1), "1: zero-initialised head, 0: random"));
    }

    /**
     * Whether the model {@code spec} names has convolutions: every registered model but the ViTs
     * (their factories give a {@link VitConfig}) and the linear model. Only the name counts (its
     * overrides are not checked here); a name the registry does not know counts as convolutional
     * (the run's plan reports it).
     */
    public static boolean hasConvolutions(String spec) {
        if (spec == null) {
            return true;
        }
        String name = spec.indexOf(':') < 0 ? spec : spec.substring(0, spec.indexOf(':'));
        Registry.Parsed<ModelFactory> p;
        try {
            p = REGISTRY.parse(name);
        } catch (IllegalArgumentException e) {
            return true;
        }
        return !p.entry().name().equals("linear") && p.factory().vit(p.args(), 3, 32) == null;
    }

    /**
     * {@code spec} checked for channels×image² input without building anything (the large models
     * cost seconds and gigabytes to build); a bad spec is a one-line error naming it.
     */
    public static Model parse(String spec, int channels, int image) {
        Registry.Parsed<ModelFactory> p = REGISTRY.parseNamed(spec);
        try {
            p.factory().check(p.args(), channels, image);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + spec + "': " + e.getMessage(), e);
        }
        return new Model(spec, p.entry(), p.args(), channels, image);
    }

    /** The ViT configuration of {@code spec} for channels×image² input, or null if it names no ViT. */
    public static VitConfig vitConfig(String spec, int channels, int image) {
        return parse(spec, channels, image).vit();
    }
}
