package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * y = x·W + b on 2-D [N, in] rows: one GEMM into a preallocated output; backward
 * dW += xᵀ·dy, db += Σ dy, dx (=|+=) dy·Wᵀ, each one GEMM or reduction.
 */
final class Linear {

    final String name;
    final INDArray w;
    final INDArray b;
    private final INDArray dw;
    private final INDArray db;
    final int in;
    final int out;

    /** Xavier-uniform kernel (or zeros), zero bias, named {@code name/kernel}, {@code name/bias}. */
    Linear(ParamSet p, String name, int in, int out, boolean zeroKernel) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.w = zeroKernel ? p.zeros(name + "/kernel", in, out) : p.xavier(name + "/kernel", in, out, in, out);
        this.b = p.zeros(name + "/bias", 1, out);
        this.dw = p.grad(name + "/kernel");
        this.db = p.grad(name + "/bias");
    }

    /** y ← x·W + b. */
    void forward(INDArray x, INDArray y) {
        Blas.gemm(x, false, w, false, y, 1.0, 0.0);
        y.addiRowVector(b);
    }

    /** Accumulates dW, db from the layer input x and dy; writes (accumulate: adds) dy·Wᵀ into dx unless dx is null. */
    void backward(INDArray x, INDArray dy, INDArray dx, boolean accumulate) {
        Blas.gemm(x, true, dy, false, dw, 1.0, 1.0);
        Blas.addColumnSums(dy, db);
        if (dx != null) {
            Blas.gemm(dy, false, w, true, dx, 1.0, accumulate ? 1.0 : 0.0);
        }
    }
}
