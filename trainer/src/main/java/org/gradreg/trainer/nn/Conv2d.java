package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.ConvShape;
import org.gradreg.trainer.compute.Tensor;

/**
 * k×k convolution, stride s, zero padding (k − 1)/2, no bias, NCHW; kernel [k, k, in, out] (HWIO)
 * He-normal, std √(2/(k²·in)). Forward and backward are the backend's ({@code conv2d},
 * {@code conv2dBackward}: dW overwritten, dx unless the input needs none).
 */
final class Conv2d extends Layer {

    final ParamSet.Param w;
    final ConvShape geometry;

    Conv2d(GraphEngine net, String name, Layer x, int out, int k, int stride) {
        super(net, outShape(x.shape, out, k, stride), x);
        long cin = x.shape[0];
        this.w = net.params().he(name + "/kernel", (long) k * k * cin, k, k, cin, out);
        this.geometry = new ConvShape(1, (int) cin, (int) x.shape[1], (int) x.shape[2], out, k, stride, (k - 1) / 2);
    }

    private static long[] outShape(long[] x, int out, int k, int stride) {
        int pad = (k - 1) / 2;
        return new long[] {out, (x[1] + 2L * pad - k) / stride + 1, (x[2] + 2L * pad - k) / stride + 1};
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().conv2d(geometry.withBatch(net.batch()), in[0].v, w.value(), v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = in[0].needsGrad() ? net.take(in[0]) : null;
        net.be().conv2dBackward(geometry.withBatch(net.batch()), in[0].v, w.value(), g, w.grad(), dx);
        if (dx != null) {
            net.deliver(in[0], dx);
        }
    }

    @Override
    long workspace(int b) {
        return net.be().convWorkspaceBytes(geometry.withBatch(b));
    }
}
