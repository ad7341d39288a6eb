package org.gradreg.optim.estimator;

import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;

/**
 * SAM-ON, "SAM only on normalization layers" (Mueller et al., NeurIPS 2023; mueller-mp/SAM-ON
 * {@code sam_on.py}): the ascent of SAM (or ASAM) computed from and applied to a parameter group
 * only, the normalization layers' scales and biases by default:
 * <pre>
 *   ε_S = ρ · g₁,S / ‖g₁,S‖,   ε = 0 off S          (S = the tensors {@code group} selects)
 * </pre>
 * then g = ∇L(θ + ε) on every tensor, as SAM. With {@code adaptive}, ASAM's T = |θ| + η on S (the
 * paper's placement; the official ASAM_ON rescales S's "weight" tensors only, and with its
 * training script's defaults takes T = θ rather than |θ| + η). The official norm adds 1e-16;
 * gradreg skips the ascent when g₁,S = 0. No tensor in S: the plain gradient.
 *
 * @param group the tensors perturbed
 * @param inner the ascent on them (SAM's or ASAM's)
 */
public record SamOn(TensorMask group, Direction inner) implements Direction {

    /** Registry entry: {@code sam-on:rho=…,layers=norm|no-norm,adaptive=…,eta=…,scope=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("sam-on",
            "SAM only on the normalization layers (Mueller et al. 2023, SAM-ON): a parameter-group mask on the ascent, two evaluations",
            Sam.keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.choice("layers", "norm", java.util.List.of("norm", "no-norm"),
                            "perturb the normalization layers only (SAM-ON) or all but them (the paper's ablation)"),
                    Key.flag("adaptive", false, "ASAM's ascent T^2 g/|T g| on the group instead of SAM's"),
                    Key.number("eta", 0.01, Range.NON_NEGATIVE, "ASAM's offset of T = |theta| + eta (adaptive only)")),
            "rho=0.5", (a, w) -> {
                TensorMask layers = a.choice("layers").equals("norm") ? TensorMask.NORM_LAYERS : TensorMask.NORM_LAYERS.negate();
                Direction d = a.flag("adaptive") ? new AdaptiveDirection(a.number("eta"), TensorMask.ALL) : Direction.GRADIENT;
                return Scope.of(a).over(Sam.of(a.number("rho")).direction("sam-on", new SamOn(layers, d)));
            });

    public SamOn {
        java.util.Objects.requireNonNull(group, "group");
        java.util.Objects.requireNonNull(inner, "inner");
    }

    @Override
    public Ascent ascent(Params theta, Params g1, double g1Norm, double rho, long step) {
        Params g = group.of(g1);
        if (g == null) {
            return Ascent.NONE;
        }
        double n = g == g1 ? g1Norm : g.norm2();
        return n == 0 ? Ascent.NONE : inner.ascent(group.of(theta), g, n, rho, step);
    }

    @Override
    public String toString() {
        String d = inner.toString();
        return "on " + group + (d.isEmpty() ? "" : ", adaptive " + d);
    }
}
