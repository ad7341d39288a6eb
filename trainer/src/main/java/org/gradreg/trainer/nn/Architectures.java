package org.gradreg.trainer.nn;

import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every architecture as a short declaration of {@link Layer}s over one {@link GraphEngine}: the
 * ViT, ResNet-18 with the CIFAR stem, WideResNet, VGG16-BN, the small CNN of the Fashion-MNIST
 * experiments, and the {@code linear} softmax regression. Each uses the same parameter names,
 * shapes, creation order and seeded initialisation as its SameDiff reference graph in the tests,
 * so the same spec and seed give the same weights.
 */
public final class Architectures {

    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private Architectures() {
    }

    /**
     * gnp's CIFAR ViT: the patches' {@link PatchEmbedding} (CLS token, positions, dropout), pre-LN
     * blocks x + drop(attention(LN(x))), u + drop(W₂·drop(GELU(W₁·LN(u)))) with attention dropout
     * on the probabilities, a final LayerNorm on the CLS token and the head (zero-initialised if the
     * configuration says so). Dense kernels xavier-uniform. The two branches that only feed a
     * residual sum share one output buffer across the blocks.
     */
    public static GraphEngine vit(String spec, VitConfig c, int classes, Backend be, long seed) {
        int t = c.tokens();
        int d = c.hidden();
        int heads = c.heads();
        GraphEngine e = new GraphEngine(spec, new long[] {t, c.patchDim()}, b -> PatchEmbedding.patchify(b, c), classes, be, seed);
        // creation order as the SameDiff ViT's, so the same seed gives the same initial weights; the
        // dropout sites in the order of the earlier engine (drawn masks are seeded by the site's index)
        Layer x = new PatchEmbedding(e, e.input(), d, e.site("dropout/embed", c.dropout(), n -> new long[] {(long) n * t, d}));
        for (int i = 0; i < c.layers(); i++) {
            String q = "block" + i;
            String drop = "dropout/" + q;
            Layer y = new LayerNorm(e, q + "/ln1", x, c.eps());
            Layer a = new SelfAttention(e, q + "/attn", y, heads,
                    e.site(drop + "/attn/probs", c.attentionDropout(), n -> new long[] {(long) n * heads, t, t}),
                    e.site(drop + "/attn_out", c.dropout(), n -> new long[] {(long) n * t, d})).sharedOutput();
            Layer u = new Residual(e, x, a, false);
            y = new LayerNorm(e, q + "/ln2", u, c.eps());
            Layer h = new Dense(e, q + "/mlp1", y, c.mlp(), false, null);
            h = new Gelu(e, h, e.site(drop + "/mlp_hidden", c.dropout(), n -> new long[] {(long) n * t, c.mlp()}));
            Layer m = new Dense(e, q + "/mlp2", h, d, false, e.site(drop + "/mlp_out", c.dropout(), n -> new long[] {(long) n * t, d}))
                    .sharedOutput();
            x = new Residual(e, u, m, false);
        }
        Layer cls = new LayerNorm(e, "final_ln", new FirstToken(e, x), c.eps());
        return e.finish(cls, "head", c.zeroHead(), c.toString());
    }

    /**
     * The ViT's input: NCHW images cut into [B·T, C·p·p] rows, row 0 of each image zero (the CLS
     * slot), then the patches in row-major order, each flattened as (channel, row, column).
     */
    public static INDArray patchify(Batch b, VitConfig c, DataType type) {
        INDArray a = PatchEmbedding.patchify(b, c);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    /** Softmax regression on the flattened image. */
    public static GraphEngine linear(String spec, int channels, int image, int classes, Backend be, long seed) {
        GraphEngine e = GraphEngine.images(spec, channels, image, classes, be, seed, true);
        return e.finish(e.input(), "linear", false, "softmax regression on " + channels + "x" + image + "x" + image);
    }

    /** ResNet-18 (He et al. 2016), CIFAR stem: conv3×3-BN-ReLU, four stages of basic blocks (w, 2w, 4w, 8w channels), global average pool. */
    public static GraphEngine resnet18(String spec, int width, int blocks, int channels, int image, int classes, Backend be, long seed) {
        GraphEngine e = GraphEngine.images(spec, channels, image, classes, be, seed, false);
        Layer x = convBn(e, "stem", e.input(), width, 3, 1, true);
        for (int s = 0; s < 4; s++) {
            int out = width << s;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                Layer y = new BatchNorm2d(e, q + "/bn1", new Conv2d(e, q + "/conv1", x, out, 3, stride), true, null);
                y = new BatchNorm2d(e, q + "/bn2", new Conv2d(e, q + "/conv2", y, out, 3, 1), false, null);
                Layer shortcut = stride == 1 && x.shape[0] == out ? x
                        : new BatchNorm2d(e, q + "/shortcut_bn", new Conv2d(e, q + "/shortcut", x, out, 1, stride), false, null);
                x = new Residual(e, y, shortcut, true);
            }
        }
        return e.finish(new GlobalAvgPool(e, x), "fc", false, "ResNet CIFAR stem, width " + width + ", " + blocks + " blocks per stage");
    }

    /**
     * WideResNet (Zagoruyko and Komodakis 2016): conv3×3(16), three stages of pre-activation blocks
     * (16k, 32k, 64k channels; dropout between a block's convolutions), BN-ReLU, global average pool.
     */
    public static GraphEngine wideResnet(String spec, int depth, int widen, double dropout, int channels, int image, int classes, Backend be,
                                        long seed) {
        GraphEngine e = GraphEngine.images(spec, channels, image, classes, be, seed, false);
        int blocks = (depth - 4) / 6;
        Layer x = new Conv2d(e, "stem/conv", e.input(), 16, 3, 1);
        for (int s = 0; s < 3; s++) {
            int out = (16 << s) * widen;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                Layer pre = new BatchNorm2d(e, q + "/bn1", x, true, null);
                Layer y = new Conv2d(e, q + "/conv1", pre, out, 3, stride);
                final int side = image >> s;
                y = new BatchNorm2d(e, q + "/bn2", y, true, e.site("dropout/" + q, dropout, n -> new long[] {n, out, side, side}));
                y = new Conv2d(e, q + "/conv2", y, out, 3, 1);
                Layer shortcut = stride == 1 && x.shape[0] == out ? x : new Conv2d(e, q + "/shortcut", pre, out, 1, stride);
                x = new Residual(e, y, shortcut, false);
            }
        }
        Layer f = new BatchNorm2d(e, "final/bn", x, true, null);
        return e.finish(new GlobalAvgPool(e, f), "fc", false, "WideResNet-" + depth + "-" + widen + (dropout > 0 ? ", dropout " + dropout : ""));
    }

    /** VGG16-BN (Simonyan and Zisserman 2015), CIFAR variant: thirteen conv3×3-BN-ReLU layers and five 2×2 max pools, global average pool. */
    public static GraphEngine vgg16(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        GraphEngine e = GraphEngine.images(spec, channels, image, classes, be, seed, false);
        Layer x = e.input();
        int conv = 0;
        for (int c : VGG16) {
            x = c == 0 ? new MaxPool2d(e, x) : convBn(e, "conv" + conv++, x, (int) Math.max(1, (long) c * width / 64), 3, 1, true);
        }
        return e.finish(new GlobalAvgPool(e, x), "fc", false, "VGG16-BN, width " + width);
    }

    /**
     * The small CNN of the Fashion-MNIST experiments: two stages of two conv3×3-BN-ReLU layers
     * (w then 2w channels), each stage ending in a 2×2 max pool, then the flattened 2w×(H/4)×(W/4)
     * features into a linear head. At w = 32 on 1×28×28 with 10 classes: 96,554 parameters
     * (convolutions with BN 65,184, head 31,370).
     */
    public static GraphEngine cnnSmall(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        GraphEngine e = GraphEngine.images(spec, channels, image, classes, be, seed, false);
        Layer x = e.input();
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 2; c++) {
                x = convBn(e, "stage" + (s + 1) + "/conv" + (c + 1), x, width << s, 3, 1, true);
            }
            x = new MaxPool2d(e, x);
        }
        return e.finish(new Flatten(e, x), "fc", false, "small CNN, width " + width + " (conv-BN-ReLU x2, max pool, x2), flatten, linear head");
    }

    /** {@code q/conv} (k×k, stride) then {@code q/bn}, with ReLU if asked. */
    private static Layer convBn(GraphEngine e, String q, Layer x, int out, int k, int stride, boolean relu) {
        return new BatchNorm2d(e, q + "/bn", new Conv2d(e, q + "/conv", x, out, k, stride), relu, null);
    }
}
