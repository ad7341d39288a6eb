package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** [N, C, H, W] → [N, C·H·W] rows (channel-major, as torch's flatten), a copy into its own buffer (the GEMMs read whole arrays). */
final class Flatten extends Layer {

    Flatten(GraphEngine net, Layer x) {
        super(net, new long[] {x.size()}, x);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().copy(in[0].v.reshape(v.shape()), v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(in[0]);
        net.be().copy(g, dx.reshape(g.shape()));
        net.deliver(in[0], dx);
    }
}
