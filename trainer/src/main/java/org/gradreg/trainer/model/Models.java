package org.gradreg.trainer.model;

import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.Optim;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Models by name, with optional overrides after a colon, e.g. {@code vit-ti},
 * {@code vit-nano:layers=2,hidden=32,image=16}. Known: see {@link #NAMES}; e.g.
 * {@code resnet18:width=16}, {@code wrn-28-10:depth=10,widen=1}, {@code vgg16-bn:width=8}.
 */
public final class Models {

    private Models() {
    }

    /** gnp's CIFAR ViT sizes, patch 4 on 32×32, dropout 0.1, attention dropout 0.1, LayerNorm ε 1e-6. */
    public static VitConfig vit(String size) {
        return switch (size) {
            case "vit-ti" -> new VitConfig(32, 4, 3, 192, 768, 3, 12, 0.1, 0.1, 1e-6, true);
            case "vit-s" -> new VitConfig(32, 4, 3, 384, 1536, 6, 12, 0.1, 0.1, 1e-6, true);
            case "vit-b" -> new VitConfig(32, 4, 3, 768, 3072, 12, 12, 0.1, 0.1, 1e-6, true);
            // small CPU models: ViT-Ti's shape scaled down
            case "vit-nano" -> new VitConfig(32, 4, 3, 64, 128, 2, 4, 0.1, 0.1, 1e-6, true);
            case "vit-micro" -> new VitConfig(32, 8, 3, 32, 64, 2, 2, 0.0, 0.0, 1e-6, true);
            default -> null;
        };
    }

    /** Builds {@code spec} for {@code classes} classes in data type {@code type}, initialised from {@code seed}. */
    public static Network build(String spec, int classes, DataType type, long seed) {
        return build(spec, 3, 32, classes, type, seed);
    }

    /**
     * Builds {@code spec} for images of {@code channels}×{@code image}×{@code image} (the data's; a ViT
     * takes its image size from here, its other overrides from the spec) and {@code classes} classes.
     */
    public static Network build(String spec, int channels, int image, int classes, DataType type, long seed) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String base = s;
        String overrides = "";
        int colon = s.indexOf(':');
        if (colon >= 0) {
            base = s.substring(0, colon);
            overrides = s.substring(colon + 1);
        }
        if (base.equals("linear")) {
            return Linear.build(spec, channels, image, image, classes, type, seed);
        }
        VitConfig vc = vitConfig(spec, channels, image);
        if (vc != null) {
            return Vit.build(spec, vc, classes, type, seed);
        }
        Map<String, String> o = Optim.keyValues(overrides);
        switch (base) {
            case "resnet18" -> {
                known(spec, o, "width", "blocks");
                return ResNet.build(spec, intOf(o, "width", 64), intOf(o, "blocks", 2), channels, image, classes, type, seed);
            }
            case "wrn-28-10" -> {
                known(spec, o, "depth", "widen", "dropout");
                return WideResNet.build(spec, intOf(o, "depth", 28), intOf(o, "widen", 10),
                        Double.parseDouble(o.getOrDefault("dropout", "0")), channels, image, classes, type, seed);
            }
            case "vgg16-bn" -> {
                known(spec, o, "width");
                return Vgg.build(spec, intOf(o, "width", 64), channels, image, classes, type, seed);
            }
            default -> throw new IllegalArgumentException("unknown model '" + base + "'; known: " + String.join(", ", NAMES));
        }
    }

    /**
     * The ViT configuration of {@code spec} for channels×image×image input (the image size and
     * channels from the data, the rest from the spec's overrides), or null if it names no ViT.
     */
    public static VitConfig vitConfig(String spec, int channels, int image) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String base = colon >= 0 ? s.substring(0, colon) : s;
        String overrides = colon >= 0 ? s.substring(colon + 1) : "";
        VitConfig vc = vit(base);
        if (vc == null) {
            return null;
        }
        vc = new VitConfig(image, vc.patch(), channels, vc.hidden(), vc.mlp(), vc.heads(), vc.layers(), vc.dropout(),
                vc.attentionDropout(), vc.eps(), vc.zeroHead());
        for (Map.Entry<String, String> e : Optim.keyValues(overrides).entrySet()) {
            double v;
            try {
                v = Double.parseDouble(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("model '" + spec + "': override " + e.getKey() + "=" + e.getValue() + " is not a number");
            }
            vc = vc.with(e.getKey(), v);
        }
        return vc;
    }

    /** Every model name {@link #build} knows. */
    public static final java.util.List<String> NAMES = java.util.List.of("linear", "vit-nano", "vit-micro", "vit-ti", "vit-s", "vit-b",
            "resnet18", "wrn-28-10", "vgg16-bn");

    /** Refuses an override key not among {@code keys}, naming the model spec. */
    public static void known(String spec, Map<String, String> o, String... keys) {
        for (String k : o.keySet()) {
            if (!java.util.Arrays.asList(keys).contains(k)) {
                throw new IllegalArgumentException("model '" + spec + "': unknown override '" + k + "'; known: " + String.join(", ", keys));
            }
        }
    }

    /** An integer override, or {@code def}. */
    public static int intOf(Map<String, String> o, String key, int def) {
        String v = o.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model override " + key + "=" + v + " is not an integer");
        }
    }
}
