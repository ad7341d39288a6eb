package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer norm over the last axis of [N, D]: y = (x − μ)/√(σ² + ε)·γ + β, σ² the biased variance
 * (as torch and flax; ND4J's fused layer_norm has no ε). Keeps x̂ and 1/√(σ² + ε) for backward:
 * dx = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε) with g = dy·γ.
 */
final class LayerNorm {

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray dgamma;
    private final INDArray dbeta;
    private final double eps;

    LayerNorm(ParamSet p, String name, int dim, double eps) {
        this.gamma = p.ones(name + "/scale", 1, dim);
        this.beta = p.zeros(name + "/bias", 1, dim);
        this.dgamma = p.grad(name + "/scale");
        this.dbeta = p.grad(name + "/bias");
        this.eps = eps;
    }

    /** Per-call state kept for backward. */
    static final class Saved {
        INDArray xhat;
        INDArray rstd;
    }

    /** y ← LN(x); xhat is a buffer shaped like x, kept in {@code s}. */
    void forward(INDArray x, INDArray xhat, INDArray y, Saved s) {
        INDArray mu = x.mean(true, 1);
        xhat.assign(x).subiColumnVector(mu);
        INDArray var = xhat.mul(xhat).mean(true, 1);
        INDArray rstd = Transforms.pow(var.addi(eps), -0.5, false);
        xhat.muliColumnVector(rstd);
        y.assign(xhat).muliRowVector(gamma).addiRowVector(beta);
        s.xhat = xhat;
        s.rstd = rstd;
    }

    /** dx ← LN'ᵀ·dy (dx may be dy's buffer? no: distinct), accumulating dγ, dβ. */
    void backward(INDArray dy, Saved s, INDArray dx) {
        dgamma.addi(dy.mul(s.xhat).sum(true, 0));
        dbeta.addi(dy.sum(true, 0));
        INDArray g = dy.mulRowVector(gamma);
        INDArray m1 = g.mean(true, 1);
        INDArray m2 = g.mul(s.xhat).mean(true, 1);
        dx.assign(s.xhat).muliColumnVector(m2);
        dx.rsubi(g).subiColumnVector(m1).muliColumnVector(s.rstd);
    }
}
