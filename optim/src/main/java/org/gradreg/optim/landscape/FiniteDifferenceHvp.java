package org.gradreg.optim.landscape;

import java.util.function.Supplier;
import org.gradreg.optim.Params;
import org.gradreg.optim.VectorFunction;

/**
 * Hessian-vector products by finite differences of gradients (ND4J has no second derivatives):
 * the GR paper's eq. 8, H·v ≈ (∇L(θ + h·v) − ∇L(θ))/h for unit v, error O(h), and its central
 * form (∇L(θ + h·v) − ∇L(θ − h·v))/(2h), error O(h²). One home for GNR's HVPs
 * ({@code estimator/Gnr}), the Hessian spectrum and the sharpness measures.
 */
public final class FiniteDifferenceHvp {

    private FiniteDifferenceHvp() {
    }

    /**
     * H·û ≈ (∇L(θ + h·û) − ∇L(θ))/h, the forward difference along the unit vector û, given
     * {@code gradShifted} = ∇L(θ + h·û) (consumed: the result is written into it) and
     * {@code gradAtTheta} = ∇L(θ). The caller evaluates at θ + h·û and restores θ exactly.
     */
    public static Params forward(Params gradShifted, Params gradAtTheta, double h) {
        return gradShifted.addScaled(-1, gradAtTheta).scale(1 / h);
    }

    /**
     * H·v ≈ ‖v‖·(∇L(θ + h·v̂) − ∇L(θ − h·v̂))/(2h), central difference along v̂ = v/‖v‖ (0 for v = 0),
     * two evaluations; {@code params} are restored exactly from a copy, also when an evaluation throws.
     */
    public static Params central(Params params, Params v, double h, Supplier<Params> gradient) {
        double norm = v.norm2();
        if (norm == 0) {
            return v.zerosLike();
        }
        Params saved = params.copy();
        Params plus;
        Params minus;
        try {
            params.addScaled(h / norm, v);
            plus = gradient.get();
            params.assign(saved);
            params.addScaled(-h / norm, v);
            minus = gradient.get();
        } finally {
            params.assign(saved);
        }
        return plus.addScaled(-1, minus).scale(norm / (2 * h));
    }

    /**
     * The same central difference on a plain-double function: H(x)·v ≈ ‖v‖·(∇f(x + h·v̂) − ∇f(x − h·v̂))/(2h)
     * for v ≠ 0 with {@code vNorm} = ‖v‖.
     */
    public static double[] central(VectorFunction f, double[] x, double[] v, double vNorm, double h) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        for (int i = 0; i < x.length; i++) {
            plus[i] += h * v[i] / vNorm;
            minus[i] -= h * v[i] / vNorm;
        }
        double[] gp = f.gradient(plus);
        double[] gm = f.gradient(minus);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = vNorm * (gp[i] - gm[i]) / (2 * h);
        }
        return out;
    }
}
