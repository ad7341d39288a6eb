package org.gradreg.trainer.nn;

import org.gradreg.trainer.compute.Backend;

/**
 * The convolutional architectures as short declarations of {@link Layer}s over one
 * {@link ConvEngine}: ResNet-18 with the CIFAR stem, WideResNet, VGG16-BN, the small CNN of the
 * Fashion-MNIST experiments, and the {@code linear} softmax regression. Each uses the same parameter
 * names, shapes, creation order and seeded initialisation as its SameDiff reference graph in the
 * tests, so the same spec and seed give the same weights.
 */
public final class ConvNets {

    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private ConvNets() {
    }

    /** Softmax regression on the flattened image. */
    public static ConvEngine linear(String spec, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, true);
        return e.finish(e.input(), "softmax regression on " + channels + "x" + image + "x" + image);
    }

    /** ResNet-18 (He et al. 2016), CIFAR stem: conv3×3-BN-ReLU, four stages of basic blocks (w, 2w, 4w, 8w channels), global average pool. */
    public static ConvEngine resnet18(String spec, int width, int blocks, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
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
        return e.finish(new GlobalAvgPool(e, x), "ResNet CIFAR stem, width " + width + ", " + blocks + " blocks per stage");
    }

    /**
     * WideResNet (Zagoruyko and Komodakis 2016): conv3×3(16), three stages of pre-activation blocks
     * (16k, 32k, 64k channels; dropout between a block's convolutions), BN-ReLU, global average pool.
     */
    public static ConvEngine wideResnet(String spec, int depth, int widen, double dropout, int channels, int image, int classes, Backend be,
                                        long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
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
        return e.finish(new GlobalAvgPool(e, f), "WideResNet-" + depth + "-" + widen + (dropout > 0 ? ", dropout " + dropout : ""));
    }

    /** VGG16-BN (Simonyan and Zisserman 2015), CIFAR variant: thirteen conv3×3-BN-ReLU layers and five 2×2 max pools, global average pool. */
    public static ConvEngine vgg16(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        Layer x = e.input();
        int conv = 0;
        for (int c : VGG16) {
            x = c == 0 ? new MaxPool2d(e, x) : convBn(e, "conv" + conv++, x, (int) Math.max(1, (long) c * width / 64), 3, 1, true);
        }
        return e.finish(new GlobalAvgPool(e, x), "VGG16-BN, width " + width);
    }

    /**
     * The small CNN of the Fashion-MNIST experiments: two stages of two conv3×3-BN-ReLU layers
     * (w then 2w channels), each stage ending in a 2×2 max pool, then the flattened 2w×(H/4)×(W/4)
     * features into a linear head. At w = 32 on 1×28×28 with 10 classes: 96,554 parameters
     * (convolutions with BN 65,184, head 31,370).
     */
    public static ConvEngine cnnSmall(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        Layer x = e.input();
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 2; c++) {
                x = convBn(e, "stage" + (s + 1) + "/conv" + (c + 1), x, width << s, 3, 1, true);
            }
            x = new MaxPool2d(e, x);
        }
        return e.finish(new Flatten(e, x), "small CNN, width " + width + " (conv-BN-ReLU x2, max pool, x2), flatten, linear head");
    }

    /** {@code q/conv} (k×k, stride) then {@code q/bn}, with ReLU if asked. */
    private static Layer convBn(ConvEngine e, String q, Layer x, int out, int k, int stride, boolean relu) {
        return new BatchNorm2d(e, q + "/bn", new Conv2d(e, q + "/conv", x, out, k, stride), relu, null);
    }
}
