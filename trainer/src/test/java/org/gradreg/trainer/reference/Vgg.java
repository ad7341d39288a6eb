package org.gradreg.trainer.reference;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * VGG16 with batch norm, CIFAR variant (Simonyan and Zisserman 2015; the 1-layer classifier of the
 * common CIFAR implementations): thirteen conv3×3-BN-ReLU layers of 64, 64, M, 128, 128, M, 256 ×3,
 * M, 512 ×3, M, 512 ×3, M (M: 2×2 max pooling) channels scaled by width/64, then a linear head on
 * the pooled features.
 */
public final class Vgg {

    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private Vgg() {
    }

    public static Network build(String name, int width, int channels, int image, int classes, DataType type, long seed) {
        if (width < 1) {
            throw new IllegalArgumentException("vgg needs width >= 1, got " + width);
        }
        if (image % 32 != 0) {
            throw new IllegalArgumentException("vgg16 pools five times: the image side must be a multiple of 32, got " + image);
        }
        ConvNet n = new ConvNet(channels, image, classes, type, seed);
        SDVariable x = n.input;
        long in = channels;
        int conv = 0;
        for (int c : VGG16) {
            if (c == 0) {
                x = n.l.maxPool(x, 2);
                continue;
            }
            long out = Math.max(1, (long) c * width / 64);
            String p = "conv" + conv++;
            x = n.l.relu(n.bn(p + "/bn", n.l.conv(p + "/conv", x, in, out, 3, 1), out));
            in = out;
        }
        return n.finish(name, n.l.globalAvgPool(x), in, "VGG16-BN, width " + width);
    }
}
