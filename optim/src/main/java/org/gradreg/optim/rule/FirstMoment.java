package org.gradreg.optim.rule;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A rule that keeps a first moment of its gradients, one buffer per tensor: SGD's momentum buffer
 * b (torch's), the Adam family's and Adan's m. Momentum-SAM ascends along it.
 */
public interface FirstMoment {

    /** The buffers by tensor name: live arrays, empty before the first update. */
    Map<String, INDArray> firstMoment();

    /** Whether this rule keeps one at all (SGD without momentum does not). */
    default boolean keepsFirstMoment() {
        return true;
    }
}
