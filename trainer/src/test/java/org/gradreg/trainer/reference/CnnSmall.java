package org.gradreg.trainer.reference;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The small CNN with batch norm of the Fashion-MNIST experiments: two stages of two
 * conv3×3-BN-ReLU layers (w, then 2w channels), each followed by a 2×2 max pool, then the
 * flattened NCHW features (2w·(H/4)·(W/4), channel-major) into a linear head.
 */
public final class CnnSmall {

    private CnnSmall() {
    }

    public static Network build(String name, int width, int channels, int image, int classes, DataType type, long seed) {
        if (image % 4 != 0) {
            throw new IllegalArgumentException("cnn-small pools twice: the image side must be a multiple of 4, got " + image);
        }
        ConvNet n = new ConvNet(channels, image, classes, type, seed);
        SDVariable x = n.input;
        long in = channels;
        for (int s = 0; s < 2; s++) {
            long out = (long) width << s;
            for (int c = 0; c < 2; c++) {
                String q = "stage" + (s + 1) + "/conv" + (c + 1);
                x = n.l.relu(n.bn(q + "/bn", n.l.conv(q + "/conv", x, in, out, 3, 1), out));
                in = out;
            }
            x = n.l.maxPool(x, 2);
        }
        long side = image / 4;
        long features = in * side * side;
        return n.finish(name, x.reshape(-1, features), features, "small CNN, width " + width);
    }
}
