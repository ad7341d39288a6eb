package org.gradreg.optim.transform;

import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adaptive gradient regularization, AGR paper eqs. 1-2: per parameter tensor,
 * <pre>  Ψ(g) = g − α ⊙ g,   α = |g| / Σ|g|  </pre>
 * the sum taken over all elements of that tensor (each weight and each bias is its own "layer").
 *
 * <p>Used as a transform, Ψ(g) replaces the gradient (eq. 3, and the official AdamW_AGR code where
 * it then feeds both Adam moments). With {@code Adam/AdamW/Adan.agr(Placement.PAPER)} it feeds the
 * first moment only (Algorithm 2). Guards the code lacks: an all-zero tensor is returned as is
 * (the code divides 0 by 0), and tensors with fewer than {@code minElements} elements (default 2)
 * pass unchanged, since Ψ maps a one-element gradient to exactly 0 and would freeze that parameter.
 */
public record Agr(int minElements) implements GradientTransform {

    /** Where Ψ enters an adaptive optimizer. */
    public enum Placement {
        /** AGR paper, Algorithm 2: Ψ(g) feeds the first moment; the second moment uses g. Default. */
        PAPER,
        /** Official AdamW_AGR code: Ψ(g) replaces g and feeds both moments. */
        CODE
    }

    /** Registry entry: {@code agr:min_elements=…}. */
    public static final Entry<TransformFactory> ENTRY = new Entry<TransformFactory>("agr",
            "adaptive gradient regularization Psi (AGR paper eqs. 1-2), per tensor",
            java.util.List.of(Key.integer("min_elements", 2L, Range.atLeast(1), "tensors with fewer elements pass unchanged")), "",
            a -> new Agr((int) a.integer("min_elements")));

    public Agr {
        if (minElements < 1) {
            throw new IllegalArgumentException("AGR minElements must be >= 1, got " + minElements);
        }
    }

    /** Ψ with the default guard (one-element tensors pass unchanged). */
    public static Agr psi() {
        return new Agr(2);
    }

    /** Ψ(g) of one tensor as a new array (eqs. 1-2). */
    public INDArray apply(INDArray g) {
        return applyInto(g, g.ulike());
    }

    /** Writes Ψ(g) into {@code out} (same shape as g, not g itself) and returns it. */
    public INDArray applyInto(INDArray g, INDArray out) {
        out.assign(g);
        if (g.length() < minElements) {
            return out;
        }
        Transforms.abs(out, false);
        double sumAbs = out.sumNumber().doubleValue();
        if (sumAbs == 0) {
            return out.assign(g);
        }
        // g − g⊙|g|/Σ|g| = g ⊙ (1 − |g|/Σ|g|)
        return out.divi(-sumAbs).addi(1.0).muli(g);
    }

    @Override
    public Params apply(Params gradient, Params params, long step) {
        for (Map.Entry<String, INDArray> e : gradient) {
            INDArray g = e.getValue();
            g.assign(apply(g));
        }
        return gradient;
    }

    @Override
    public String toString() {
        return minElements == 2 ? "agr" : "agr(minElements=" + minElements + ")";
    }
}
