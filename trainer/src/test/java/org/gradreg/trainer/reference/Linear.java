package org.gradreg.trainer.reference;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Softmax regression on the flattened image: the smallest model, for tests and sanity runs. */
public final class Linear {

    private Linear() {
    }

    public static Network build(String name, int channels, int height, int width, int classes, DataType type, long seed) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, type, seed);
        long d = (long) channels * height * width;
        SDVariable in = sd.placeHolder(Network.INPUT, type, -1, d);
        SDVariable target = sd.placeHolder(Network.TARGET, type, -1, classes);
        SDVariable logits = l.dense("linear", in, d, classes, false).rename(Network.LOGITS);
        Vit.crossEntropy(l, logits, target);
        return new Network(name, sd, type, classes, List.copyOf(l.trainable()), List.of(), List.of(), (b, dt) -> {
            if ((long) b.channels() * b.height() * b.width() != d) {
                throw new IllegalArgumentException("the model expects " + channels + "x" + height + "x" + width + " images");
            }
            var a = Nd4j.createFromArray(b.images()).reshape(b.size(), d);
            return dt == DataType.FLOAT ? a : a.castTo(dt);
        }, "softmax regression on " + channels + "x" + height + "x" + width);
    }
}
