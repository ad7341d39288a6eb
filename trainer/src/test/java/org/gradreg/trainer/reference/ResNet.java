package org.gradreg.trainer.reference;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * ResNet-18 with the CIFAR stem (He et al. 2016; the 3×3 stride-1 first convolution and no max-pool
 * of the common CIFAR variant): conv3×3(w)-BN-ReLU, four stages of {@code blocks} basic blocks with
 * w, 2w, 4w, 8w channels (strides 1, 2, 2, 2; a 1×1 conv + BN shortcut where the shape changes),
 * global average pooling, linear head. w = 64 and 2 blocks per stage is ResNet-18.
 */
public final class ResNet {

    private ResNet() {
    }

    public static Network build(String name, int width, int blocks, int channels, int image, int classes, DataType type, long seed) {
        if (width < 1 || blocks < 1) {
            throw new IllegalArgumentException("resnet needs width >= 1 and blocks >= 1, got width=" + width + ", blocks=" + blocks);
        }
        ConvNet n = new ConvNet(channels, image, classes, type, seed);
        SDVariable x = n.l.relu(n.bn("stem/bn", n.l.conv("stem/conv", n.input, channels, width, 3, 1), width));
        long in = width;
        for (int s = 0; s < 4; s++) {
            long out = (long) width << s;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                x = basicBlock(n.l, "stage" + (s + 1) + "/block" + b, x, in, out, stride);
                in = out;
            }
        }
        return n.finish(name, n.l.globalAvgPool(x), in,
                "ResNet CIFAR stem, width " + width + ", " + blocks + " blocks per stage");
    }

    /** relu(BN(conv(relu(BN(conv(x))))) + shortcut(x)). */
    static SDVariable basicBlock(Layers l, String p, SDVariable x, long in, long out, int stride) {
        SDVariable y = l.relu(bn(l, p + "/bn1", l.conv(p + "/conv1", x, in, out, 3, stride), out));
        y = bn(l, p + "/bn2", l.conv(p + "/conv2", y, out, out, 3, 1), out);
        SDVariable shortcut = stride == 1 && in == out ? x : bn(l, p + "/shortcut_bn", l.conv(p + "/shortcut", x, in, out, 1, stride), out);
        return l.relu(y.add(shortcut));
    }

    private static SDVariable bn(Layers l, String name, SDVariable x, long c) {
        return l.batchNorm(name, x, c, ConvNet.BN_EPS, ConvNet.BN_MOMENTUM);
    }
}
