package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/**
 * A dense layer y = x·W + b ({@link Linear}: xavier-uniform kernel or zeros, zero bias) on [N, D]
 * features or [T, D] token rows, then optionally the dropout mask of {@code site}; the linear head
 * that {@link GraphEngine#finish} adds, and the ViT's MLP layers.
 */
final class Dense extends Layer {

    private final Linear fc;
    private final String site;

    Dense(GraphEngine net, String name, Layer x, int out, boolean zeroKernel, String site) {
        super(net, outShape(x.shape, out), x);
        this.fc = new Linear(net.params(), name, (int) x.shape[x.shape.length - 1], out, zeroKernel);
        this.site = site;
    }

    private static long[] outShape(long[] x, int out) {
        if (x.length > 2) {
            throw new IllegalArgumentException("a dense layer reads [D] features or [T, D] tokens, not " + java.util.Arrays.toString(x));
        }
        return x.length == 2 ? new long[] {x[0], out} : new long[] {out};
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        fc.forward(in[0].v, v);
        drop(v, mask(site, masks));
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        drop(g, mask(site, masks));
        net.be().zero(fc.w.grad());
        net.be().zero(fc.b.grad());
        Tensor dx = in[0].needsGrad() ? net.take(in[0]) : null;
        fc.backward(in[0].v, g, dx, false);
        if (dx != null) {
            net.deliver(in[0], dx);
        }
    }
}
