package org.gradreg.optim.estimator;

import java.util.HashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Params;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ASAM's ascent (Kwon et al. 2021, eq. 11 with the element-wise operator T_w = diag(|w|) + η of
 * §3): ε = ρ·T²g₁/‖T·g₁‖; none when T·g₁ = 0.
 * <ul>
 *   <li>paper placement (default): T on every tensor;</li>
 *   <li>code placement (SamsungLabs/ASAM {@code asam.py}): T only on tensors whose name holds
 *       "weight" ({@link TensorMask#WEIGHTS}: kernels, normalization scales), T = 1 on the others
 *       (biases, class token, position embedding), which still count in ‖T·g₁‖. The code adds
 *       1e-16 to that norm; gradreg skips the ascent when it is 0 instead.</li>
 * </ul>
 *
 * @param eta    the offset η (Kwon et al. use 0.01)
 * @param scaled the tensors T rescales ({@link TensorMask#ALL} for the paper placement)
 */
record AdaptiveDirection(double eta, TensorMask scaled) implements Direction {

    AdaptiveDirection {
        Hyper.nonNegative("ASAM eta", eta);
    }

    @Override
    public Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step) {
        // T g₁ and T² g₁ with T = |θ| + η, element-wise, where T applies
        Map<String, INDArray> t = new HashMap<>();
        Params tg = theta.map((n, x) -> {
            if (!scaled.selects(n, x)) {
                return g1.get(n).dup();
            }
            INDArray ti = Transforms.abs(x, true).addi(eta);
            t.put(n, ti);
            return ti.mul(g1.get(n));
        });
        double tgNorm = tg.norm2();
        if (tgNorm == 0) {
            return Ascent.NONE;
        }
        return new Ascent(rho / tgNorm, tg.map((n, x) -> t.containsKey(n) ? x.muli(t.get(n)) : x));
    }

    @Override
    public String toString() {
        return "eta=" + eta + (scaled == TensorMask.ALL ? "" : ", T on " + scaled);
    }
}
