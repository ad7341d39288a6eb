package org.gradreg.trainer.nn;

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

    @Override
    public String toString() {
        return "ViT hidden " + hidden + ", mlp " + mlp + ", heads " + heads + ", layers " + layers + ", patch " + patch
                + " on " + image + "x" + image + ", dropout " + dropout + "/" + attentionDropout;
    }
}
