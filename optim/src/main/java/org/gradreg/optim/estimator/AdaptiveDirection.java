package org.gradreg.optim.estimator;

import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ASAM's ascent (Kwon et al. 2021, eq. 11 with the element-wise operator of §3):
 * ε = ρ·T²g₁/‖T·g₁‖, T = diag(|θ| + η); none when T·g₁ = 0.
 */
record AdaptiveDirection(double eta) implements Direction {

    AdaptiveDirection {
        Hyper.nonNegative("ASAM eta", eta);
    }

    @Override
    public Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step) {
        // T g₁ and T² g₁ with T = |θ| + η, element-wise
        Params t = theta.map((n, x) -> Transforms.abs(x, true).addi(eta));
        Params tg = t.map((n, ti) -> ti.mul(g1.get(n)));
        double tgNorm = tg.norm2();
        if (tgNorm == 0) {
            return Ascent.NONE;
        }
        return new Ascent(rho / tgNorm, tg.map((n, x) -> x.muli(t.get(n))));
    }

    @Override
    public String toString() {
        return "eta=" + eta;
    }
}
