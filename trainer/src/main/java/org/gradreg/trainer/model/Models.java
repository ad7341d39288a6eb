package org.gradreg.trainer.model;

import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.Optim;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Models by name, with optional overrides after a colon, e.g. {@code vit-ti},
 * {@code vit-nano:layers=2,hidden=32,image=16}. Known: vit-nano, vit-micro, vit-ti, vit-s, vit-b.
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
        VitConfig vc = vit(base);
        if (vc != null) {
            vc = vc.with("image", image);
            vc = new VitConfig(vc.image(), vc.patch(), channels, vc.hidden(), vc.mlp(), vc.heads(), vc.layers(), vc.dropout(),
                    vc.attentionDropout(), vc.eps(), vc.zeroHead());
            for (Map.Entry<String, String> e : Optim.keyValues(overrides).entrySet()) {
                vc = vc.with(e.getKey(), Double.parseDouble(e.getValue()));
            }
            return Vit.build(spec, vc, classes, type, seed);
        }
        throw new IllegalArgumentException("unknown model '" + base + "'; known: linear, vit-nano, vit-micro, vit-ti, vit-s, vit-b");
    }
}
