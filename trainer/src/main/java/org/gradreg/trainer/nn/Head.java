package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** The linear classifier on [N, D] features ({@link Linear}: xavier-uniform kernel, zero bias); its output is the logits. */
final class Head extends Layer {

    private final Linear fc;

    Head(ConvEngine net, String name, Layer x, int classes) {
        super(net, new long[] {classes}, x);
        this.fc = new Linear(net.params(), name, (int) x.size(), classes, false);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        fc.forward(in[0].v, v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        net.be().zero(fc.w.grad());
        net.be().zero(fc.b.grad());
        Tensor dx = in[0].needsGrad() ? net.take(in[0].shape) : null;
        fc.backward(in[0].v, g, dx, false);
        if (dx != null) {
            net.deliver(in[0], dx);
        }
    }
}
