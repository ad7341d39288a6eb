package org.gradreg.trainer.model;

/**
 * A Vision Transformer for small images (gnp's CIFAR ViT): patches of {@code patch}×{@code patch}
 * embedded linearly, a CLS token (zero init), learned position embedding (N(0, 0.02)), pre-LN
 * blocks of multi-head self-attention and a GELU MLP, dropout and attention dropout, a final
 * LayerNorm on the CLS token and a zero-initialised linear head.
 */
public record VitConfig(int image, int patch, int channels, int hidden, int mlp, int heads, int layers,
                        double dropout, double attentionDropout, double eps, boolean zeroHead) {

    public VitConfig {
        if (image % patch != 0) {
            throw new IllegalArgumentException("image size " + image + " is not a multiple of the patch size " + patch);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of the " + heads + " heads");
        }
        if (layers < 1 || hidden < 1 || mlp < 1) {
            throw new IllegalArgumentException("layers, hidden and mlp must be >= 1");
        }
    }

    /** Tokens per image: patches + CLS. */
    public int tokens() {
        return (image / patch) * (image / patch) + 1;
    }

    public int patchDim() {
        return channels * patch * patch;
    }

    public VitConfig with(String key, double value) {
        int v = (int) value;
        return switch (key) {
            case "image" -> new VitConfig(v, patch, channels, hidden, mlp, heads, layers, dropout, attentionDropout, eps, zeroHead);
            case "patch" -> new VitConfig(image, v, channels, hidden, mlp, heads, layers, dropout, attentionDropout, eps, zeroHead);
            case "hidden", "width" -> new VitConfig(image, patch, channels, v, mlp, heads, layers, dropout, attentionDropout, eps, zeroHead);
            case "mlp" -> new VitConfig(image, patch, channels, hidden, v, heads, layers, dropout, attentionDropout, eps, zeroHead);
            case "heads" -> new VitConfig(image, patch, channels, hidden, mlp, v, layers, dropout, attentionDropout, eps, zeroHead);
            case "layers", "depth" -> new VitConfig(image, patch, channels, hidden, mlp, heads, v, dropout, attentionDropout, eps, zeroHead);
            case "dropout" -> new VitConfig(image, patch, channels, hidden, mlp, heads, layers, value, attentionDropout, eps, zeroHead);
            case "attn_dropout", "attention_dropout" -> new VitConfig(image, patch, channels, hidden, mlp, heads, layers, dropout, value, eps, zeroHead);
            case "eps" -> new VitConfig(image, patch, channels, hidden, mlp, heads, layers, dropout, attentionDropout, value, zeroHead);
            case "zero_head" -> new VitConfig(image, patch, channels, hidden, mlp, heads, layers, dropout, attentionDropout, eps, value != 0);
            default -> throw new IllegalArgumentException("unknown ViT option '" + key
                    + "'; known: image, patch, hidden (width), mlp, heads, layers (depth), dropout, attn_dropout, eps, zero_head");
        };
    }

    @Override
    public String toString() {
        return "ViT hidden " + hidden + ", mlp " + mlp + ", heads " + heads + ", layers " + layers + ", patch " + patch
                + " on " + image + "x" + image + ", dropout " + dropout + "/" + attentionDropout;
    }
}
