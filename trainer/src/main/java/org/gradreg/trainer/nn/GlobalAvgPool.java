package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** Global average pooling [N, C, H, W] → [N, C]; backward spreads dy/(H·W) over each channel. */
final class GlobalAvgPool extends Layer {

    GlobalAvgPool(GraphEngine net, Layer x) {
        super(net, new long[] {x.shape[0]}, x);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().globalAvgPool(in[0].v, v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(in[0]);
        net.be().globalAvgPoolBackward(g, dx);
        net.deliver(in[0], dx);
    }
}
