package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
        INDArray var = xhat.var(false, 1).reshape(x.size(0), 1); // biased: mean of squares of the centred rows
        INDArray rstd = Transforms.pow(var.addi(eps), -0.5, false);
        xhat.muliColumnVector(rstd);
        y.assign(xhat).muliRowVector(gamma).addiRowVector(beta);
        s.xhat = xhat;
        s.rstd = rstd;
        mu.close();
    }

    /**
     * dx ← LN'ᵀ·dy, accumulating dγ, dβ; {@code scratch} is shaped like x. The row means of
     * g = dy·γ and g·x̂ are matrix-vector products with γ (no [N, D] temporaries).
     */
    void backward(INDArray dy, Saved s, INDArray dx, INDArray scratch) {
        double d = dy.size(1);
        INDArray t = scratch.assign(dy).muli(s.xhat);
        Blas.addColumnSums(t, dgamma);
        Blas.addColumnSums(dy, dbeta);
        INDArray m1 = Nd4j.create(dy.dataType(), dy.size(0), 1);
        INDArray m2 = m1.ulike();
        Blas.gemm(dy, false, gamma, true, m1, 1 / d, 0.0);
        Blas.gemm(t, false, gamma, true, m2, 1 / d, 0.0);
        scratch.assign(s.xhat).muliColumnVector(m2);
        dx.assign(dy).muliRowVector(gamma).subi(scratch).subiColumnVector(m1).muliColumnVector(s.rstd);
        m1.close();
        m2.close();
    }
}
