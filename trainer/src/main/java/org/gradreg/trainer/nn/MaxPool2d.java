package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** 2×2 max pooling, stride 2, NCHW; backward routes each gradient to its window's maximum. */
final class MaxPool2d extends Layer {

    MaxPool2d(GraphEngine net, Layer x) {
        super(net, new long[] {x.shape[0], x.shape[1] / 2, x.shape[2] / 2}, x);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().maxPool2(in[0].v, v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(in[0]);
        net.be().maxPool2Backward(in[0].v, g, dx);
        net.deliver(in[0], dx);
    }
}
