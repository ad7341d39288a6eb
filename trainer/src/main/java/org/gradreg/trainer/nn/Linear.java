package org.gradreg.trainer.nn;

import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;

/**
 * y = x·W + b on 2-D [N, in] rows: one GEMM into a preallocated output; backward
 * dW += xᵀ·dy, db += Σ dy, dx (=|+=) dy·Wᵀ, each one GEMM or reduction.
 */
final class Linear {

    final String name;
    final ParamSet.Param w;
    final ParamSet.Param b;
    final int in;
    final int out;
    private final Backend be;

    /** Xavier-uniform kernel (or zeros), zero bias, named {@code name/kernel}, {@code name/bias}. */
    Linear(ParamSet p, String name, int in, int out, boolean zeroKernel) {
        this.be = p.backend();
        this.name = name;
        this.in = in;
        this.out = out;
        this.w = zeroKernel ? p.zeros(name + "/kernel", in, out) : p.xavier(name + "/kernel", in, out, in, out);
        this.b = p.zeros(name + "/bias", 1, out);
    }

    /** y ← x·W + b. */
    void forward(Tensor x, Tensor y) {
        be.gemm(x, false, w.value(), false, y, 1.0, 0.0);
        be.addRowVector(y, b.value());
    }

    /** Accumulates dW, db from the layer input x and dy; writes (accumulate: adds) dy·Wᵀ into dx unless dx is null. */
    void backward(Tensor x, Tensor dy, Tensor dx, boolean accumulate) {
        be.gemm(x, true, dy, false, w.grad(), 1.0, 1.0);
        be.addColumnSums(dy, b.grad());
        if (dx != null) {
            be.gemm(dy, false, w.value(), true, dx, 1.0, accumulate ? 1.0 : 0.0);
        }
    }
}
