package org.gradreg.trainer.nn;

import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;

/**
 * Layer norm over the last axis of [N, D]: y = (x − μ)/√(σ² + ε)·γ + β, σ² the biased variance
 * (as torch and flax; ND4J's fused layer_norm has no ε). Keeps x̂ and 1/√(σ² + ε) for backward:
 * dx = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε) with g = dy·γ.
 */
final class LayerNorm {

    private final ParamSet.Param gamma;
    private final ParamSet.Param beta;
    private final double eps;
    private final Backend be;

    LayerNorm(ParamSet p, String name, int dim, double eps) {
        this.be = p.backend();
        this.gamma = p.ones(name + "/scale", 1, dim);
        this.beta = p.zeros(name + "/bias", 1, dim);
        this.eps = eps;
    }

    /** y ← LN(x); x̂ (shaped like x) and rstd ([N, 1]) are kept for backward. */
    void forward(Tensor x, Tensor xhat, Tensor rstd, Tensor y) {
        be.layerNormForward(x, gamma.value(), beta.value(), eps, xhat, rstd, y);
    }

    /** dx ← LN'ᵀ·dy, accumulating dγ, dβ; {@code scratch} is shaped like x. */
    void backward(Tensor dy, Tensor xhat, Tensor rstd, Tensor dx, Tensor scratch) {
        be.layerNormBackward(dy, xhat, rstd, gamma.value(), gamma.grad(), beta.grad(), dx, scratch);
    }
}
