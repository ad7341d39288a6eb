package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2×2 max pooling, stride 2, NCHW; backward routes each gradient to its window's maximum. With a
 * frozen activation pattern ({@link GraphEngine#freezeActivationPattern}) it pools the elements that
 * were the maxima in the recorded pass: the input times the recorded 0/1 choice plus −{@link #FAR}
 * elsewhere, so the recorded element is the maximum of its window whatever the input (exactly its
 * value: x·1 + 0), and backward routes to it.
 */
final class MaxPool2d extends Layer {

    /** How far below every recorded maximum the other elements of a window are put. */
    static final double FAR = 1e30;

    /** 1 at the recorded maximum of each window, else 0 (null: no pattern held). */
    private Tensor chosen;
    /** 0 at the recorded maxima, −FAR elsewhere. */
    private Tensor offset;
    /** The input as pooled under the frozen pattern: x·chosen + offset. */
    private Tensor z;

    MaxPool2d(GraphEngine net, Layer x) {
        super(net, new long[] {x.shape[0], x.shape[1] / 2, x.shape[2] / 2}, x);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        Backend be = net.be();
        if (chosen != null) {
            be.copy(in[0].v, z);
            be.multiplyInPlace(z, chosen);
            be.addInPlace(z, offset);
            be.maxPool2(z, v);
        } else {
            be.maxPool2(in[0].v, v);
        }
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(in[0]);
        net.be().maxPool2Backward(chosen != null ? z : in[0].v, g, dx);
        net.deliver(in[0], dx);
    }

    @Override
    void recordPattern() {
        Backend be = net.be();
        long[] shape = in[0].v.shape();
        Tensor one = net.ones(v.shape());
        chosen = be.create(shape);
        be.maxPool2Backward(in[0].v, one, chosen);
        be.free(one);
        INDArray host = Nd4j.create(be.type(), shape);
        be.download(chosen, host);
        offset = be.create(shape);
        be.upload(host.subi(1).muli(FAR), offset);
        z = be.create(shape);
    }

    @Override
    void releasePattern() {
        chosen = net.free(chosen);
        offset = net.free(offset);
        z = net.free(z);
    }
}
