package org.gradreg.trainer.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.model.DropoutSite;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier that computes its loss and the gradients of all its parameters: the compute behind
 * {@link org.gradreg.trainer.ModelOracle}. Implementations: {@link VitEngine} and {@link ConvEngine}
 * (hand-written forward and backward over preallocated ND4J buffers) and {@link SameDiffEngine} (a
 * SameDiff graph; the reference the hand-written engines are tested against).
 *
 * <p>The loss is the batch mean of −Σ target·log softmax(logits). Dropout is a multiplication by
 * the masks the caller passes by {@link DropoutSite#placeholder()} (an empty map: no dropout), so
 * every pass of an optimizer step can see identical masks.
 */
public interface Engine {

    /** The model spec it was built from. */
    String name();

    String description();

    DataType type();

    int classes();

    /** The live parameter arrays, by name, in a fixed order (edited in place by the optimizer). */
    LinkedHashMap<String, INDArray> parameters();

    /** Where dropout masks go, with their rates and shapes per batch size. */
    List<DropoutSite> dropoutSites();

    /** Running batch-norm statistics (live arrays) by name; empty for models without batch norm. */
    Map<String, INDArray> runningStatistics();

    /** The model's input array for a batch. */
    INDArray input(Batch batch);

    /**
     * Loss, logits and gradients on one batch, in training mode (batch statistics in batch norm,
     * dropout by {@code masks}) or in evaluation mode (no dropout, running statistics). The returned
     * arrays belong to the engine and are overwritten by the next call; {@code updateStatistics}
     * moves the running batch-norm statistics (primary training passes only).
     */
    Result lossAndGradients(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation,
                            boolean updateStatistics);

    /** Loss and logits without gradients; {@code evaluation}: no dropout, running batch-norm statistics. */
    Result loss(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation);

    /** Bytes of activation memory one training pass needs at this batch size (an estimate from the layer shapes). */
    long activationBytes(int batch);

    /** Loss, logits [B, classes] and (for {@link #lossAndGradients}) gradients by parameter name. */
    record Result(double loss, INDArray logits, Map<String, INDArray> gradients) {
    }

    /** Number of trainable scalars. */
    default long parameterCount() {
        long n = 0;
        for (INDArray a : parameters().values()) {
            n += a.length();
        }
        return n;
    }
}
