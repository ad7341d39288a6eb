package org.gradreg.trainer.reference;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * WideResNet-depth-k (Zagoruyko and Komodakis 2016): conv3×3(16), three stages of n = (depth − 4)/6
 * pre-activation blocks (BN-ReLU-conv3×3-BN-ReLU-[dropout]-conv3×3) with 16k, 32k, 64k channels
 * (strides 1, 2, 2; a 1×1 conv shortcut on the pre-activated input where the shape changes), then
 * BN-ReLU, global average pooling, linear head. WRN-28-10 is depth 28, k = 10.
 */
public final class WideResNet {

    private WideResNet() {
    }

    public static Network build(String name, int depth, int widen, double dropout, int channels, int image, int classes, DataType type,
                                long seed) {
        if (depth < 10 || (depth - 4) % 6 != 0 || widen < 1) {
            throw new IllegalArgumentException("wide resnet needs depth = 6n + 4 (n >= 1) and widen >= 1, got depth=" + depth + ", widen="
                    + widen);
        }
        int blocks = (depth - 4) / 6;
        ConvNet n = new ConvNet(channels, image, classes, type, seed);
        SDVariable x = n.l.conv("stem/conv", n.input, channels, 16, 3, 1);
        long in = 16;
        for (int s = 0; s < 3; s++) {
            long out = (16L << s) * widen;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String p = "stage" + (s + 1) + "/block" + b;
                SDVariable pre = n.l.relu(n.bn(p + "/bn1", x, in));
                SDVariable y = n.l.conv(p + "/conv1", pre, in, out, 3, stride);
                y = n.l.relu(n.bn(p + "/bn2", y, out));
                final long o = out;
                final int side = image >> s;
                y = n.l.dropout("dropout/" + p, y, dropout, bsz -> new long[] {bsz, o, side, side});
                y = n.l.conv(p + "/conv2", y, out, out, 3, 1);
                SDVariable shortcut = stride == 1 && in == out ? x : n.l.conv(p + "/shortcut", pre, in, out, 1, stride);
                x = y.add(shortcut);
                in = out;
            }
        }
        x = n.l.relu(n.bn("final/bn", x, in));
        return n.finish(name, n.l.globalAvgPool(x), in, "WideResNet-" + depth + "-" + widen + (dropout > 0 ? ", dropout " + dropout : ""));
    }
}
