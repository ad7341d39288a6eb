package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.gradreg.optim.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parameter group: which tensors, by name, an estimator's ascent treats specially (SAM-ON
 * perturbs only the normalization layers; ASAM's official code rescales only "weight" tensors).
 */
@FunctionalInterface
public interface TensorMask {

    boolean selects(String name, INDArray tensor);

    /** Every tensor. */
    TensorMask ALL = named("all", (n, t) -> true);

    /**
     * What torch names "weight": dense and convolution kernels and normalization scales (gradreg's
     * {@code …/kernel}, {@code …/scale}), not biases, class tokens or position embeddings.
     */
    TensorMask WEIGHTS = matching("kernel|scale|weight");

    /**
     * The normalization layers' scales and biases: gradreg's {@code …/ln1/…}, {@code final_ln/…},
     * {@code …/bn2/…}, and torch's names containing "norm" or "bn" (SAM-ON's test).
     */
    TensorMask NORM_LAYERS = matching("norm|bn|(^|[/_.])ln\\d*[/.]");

    /** The tensors whose name contains a match of {@code regex}. */
    static TensorMask matching(String regex) {
        Pattern p = Pattern.compile(regex);
        return named("matching(" + regex + ")", (n, t) -> p.matcher(n).find());
    }

    /** The tensors this mask does not select. */
    default TensorMask negate() {
        TensorMask m = this;
        return named("not " + this, (n, t) -> !m.selects(n, t));
    }

    /** The tensors of {@code p} this mask selects, as views (null when it selects none). */
    default Params of(Params p) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : p) {
            if (selects(e.getKey(), e.getValue())) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m.isEmpty() ? null : m.size() == p.size() ? p : Params.of(m);
    }

    private static TensorMask named(String label, TensorMask m) {
        return new TensorMask() {
            @Override
            public boolean selects(String name, INDArray tensor) {
                return m.selects(name, tensor);
            }

            @Override
            public String toString() {
                return label;
            }
        };
    }
}
