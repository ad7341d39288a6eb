package org.gradreg.trainer.reference;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the convolutional models share: the NCHW input placeholder, the classifier head on pooled
 * features and the assembled {@link Network}. Batch-norm momentum 0.1 and ε 1e-5, as torch.
 */
final class ConvNet {

    static final double BN_EPS = 1e-5;
    static final double BN_MOMENTUM = 0.1;

    final SameDiff sd = SameDiff.create();
    final Layers l;
    final SDVariable input;
    final SDVariable target;
    final int channels;
    final int image;
    final int classes;

    ConvNet(int channels, int image, int classes, DataType type, long seed) {
        this.l = new Layers(sd, type, seed);
        this.channels = channels;
        this.image = image;
        this.classes = classes;
        this.input = sd.placeHolder(Network.INPUT, type, -1, channels, image, image);
        this.target = sd.placeHolder(Network.TARGET, type, -1, classes);
    }

    SDVariable bn(String name, SDVariable x, long c) {
        return l.batchNorm(name, x, c, BN_EPS, BN_MOMENTUM);
    }

    /** Linear classifier on [N, features]: xavier kernel, zero bias; then the loss. */
    Network finish(String name, SDVariable features, long width, String description) {
        SDVariable logits = l.dense("fc", features, width, classes, false).rename(Network.LOGITS);
        Vit.crossEntropy(l, logits, target);
        int c = channels;
        int hw = image;
        return new Network(name, sd, l.type(), classes, List.copyOf(l.trainable()), List.copyOf(l.dropoutSites()),
                List.copyOf(l.batchNorms()), (b, dt) -> {
                    if (b.channels() != c || b.height() != hw || b.width() != hw) {
                        throw new IllegalArgumentException("the model expects " + c + "x" + hw + "x" + hw + " images but the data has "
                                + b.channels() + "x" + b.height() + "x" + b.width());
                    }
                    var a = Nd4j.createFromArray(b.images()).reshape(b.size(), c, hw, hw);
                    return dt == DataType.FLOAT ? a : a.castTo(dt);
                }, description);
    }
}
