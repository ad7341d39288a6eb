package org.gradreg.optim.rule;

import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Which parameter tensors weight decay applies to. */
@FunctionalInterface
public interface DecayMask {

    boolean decays(String name, INDArray param);

    /** Decay every tensor (the authors' GR code applies AdamW decay to all parameters). */
    static DecayMask all() {
        return named("all", (n, p) -> true);
    }

    /** No decay on tensors that are vectors (rank <= 1, or one non-unit dimension: biases, norm scales). */
    static DecayMask noDecayOn1D() {
        return named("noDecayOn1D", (n, p) -> p.rank() > 1 && p.length() > Math.max(p.size(0), p.size(p.rank() - 1)));
    }

    /** Decay every tensor whose name does not match {@code regex}. */
    static DecayMask excluding(String regex) {
        Pattern p = Pattern.compile(regex);
        return named("excluding(" + regex + ")", (n, t) -> !p.matcher(n).find());
    }

    private static DecayMask named(String label, DecayMask m) {
        return new DecayMask() {
            @Override
            public boolean decays(String name, INDArray param) {
                return m.decays(name, param);
            }

            @Override
            public String toString() {
                return label;
            }
        };
    }
}
