package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;

/**
 * Layer norm over the last axis of [N, D] rows ([D] features or [T, D] tokens):
 * y = (x − μ)/√(σ² + ε)·γ + β, σ² the biased variance (as torch and flax; ND4J's fused layer_norm
 * has no ε). Keeps x̂ and 1/√(σ² + ε) for backward: dx = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε)
 * with g = dy·γ.
 */
final class LayerNorm extends Layer {

    private final ParamSet.Param gamma;
    private final ParamSet.Param beta;
    private final double eps;
    private Tensor xhat;
    private Tensor rstd;

    LayerNorm(GraphEngine net, String name, Layer x, double eps) {
        super(net, x.shape, x);
        long dim = x.shape[x.shape.length - 1];
        this.gamma = net.params().ones(name + "/scale", 1, dim);
        this.beta = net.params().zeros(name + "/bias", 1, dim);
        this.eps = eps;
    }

    /** Rows of the buffer: examples, or examples × tokens. */
    private long rows(int b) {
        return buffer(b)[0];
    }

    @Override
    long allocate(int b, boolean dryRun) {
        long n = super.allocate(b, dryRun);
        if (!dryRun) {
            xhat = net.own(buffer(b));
            rstd = net.own(new long[] {rows(b), 1});
        }
        return n + b * size() + rows(b);
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().layerNormForward(in[0].v, gamma.value(), beta.value(), eps, xhat, rstd, v);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Backend be = net.be();
        be.zero(gamma.grad());
        be.zero(beta.grad());
        Tensor scratch = net.take(this);
        Tensor dx = net.take(in[0]);
        be.layerNormBackward(g, xhat, rstd, gamma.value(), gamma.grad(), beta.grad(), dx, scratch);
        net.release(scratch);
        net.deliver(in[0], dx);
    }
}
