package org.gradreg.trainer.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier that computes its loss and the gradients of all its parameters: the compute behind
 * the training loop's {@code ModelOracle}. Every model is a {@link GraphEngine} (the layers an
 * architecture of {@link Architectures} declares), which writes forward and backward out over a
 * {@link Backend} (the CPU or a GPU), in buffers allocated once per batch size.
 *
 * <p>The host side is the same on every backend: {@link #parameters()} are host ND4J arrays (the
 * live values the optimizer edits in place; a GPU engine copies them to the device before every
 * pass), and the returned logits and gradients are host arrays. The loss is the batch mean of
 * −Σ target·log softmax(logits). Dropout is a multiplication by masks ({@link Dropout}), so every
 * pass of an optimizer step can see identical masks.
 */
public interface Engine extends AutoCloseable {

    /** The model spec it was built from. */
    String name();

    String description();

    DataType type();

    int classes();

    /** The backend it computes on. */
    Backend backend();

    /** The live parameter arrays (host), by name, in a fixed order (edited in place by the optimizer). */
    LinkedHashMap<String, INDArray> parameters();

    /** Where dropout masks go, with their rates and shapes per batch size. */
    List<DropoutSite> dropoutSites();

    /** Running batch-norm statistics (live host arrays) by name; empty for models without batch norm. */
    Map<String, INDArray> runningStatistics();

    /** The model's input array (host) for a batch. */
    INDArray input(Batch batch);

    /**
     * Loss, logits and gradients on one batch, in training mode (batch statistics in batch norm,
     * dropout by {@code dropout}) or in evaluation mode (no dropout, running statistics). The returned
     * host arrays belong to the engine and are overwritten by the next call; {@code updateStatistics}
     * moves the running batch-norm statistics (primary training passes only).
     */
    Result lossAndGradients(INDArray input, INDArray target, Dropout dropout, boolean evaluation, boolean updateStatistics);

    /** Loss and logits without gradients; {@code evaluation}: no dropout, running batch-norm statistics. */
    Result loss(INDArray input, INDArray target, Dropout dropout, boolean evaluation);

    /** {@link #lossAndGradients} with host masks by site (an empty map or null: no dropout). */
    default Result lossAndGradients(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation,
                                    boolean updateStatistics) {
        return lossAndGradients(input, target, new Dropout.Host(masks), evaluation, updateStatistics);
    }

    /** {@link #loss} with host masks by site. */
    default Result loss(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation) {
        return loss(input, target, new Dropout.Host(masks), evaluation);
    }

    /**
     * Holds fixed the activation pattern (ReLU signs, max-pool maxima) of this input array at the
     * current parameters in evaluation mode, for exact-pattern Hessian-vector products by finite
     * differences (see {@link GraphEngine#freezeActivationPattern}); passes on other inputs or in
     * training mode are refused until {@link #releaseActivationPattern}.
     */
    default void freezeActivationPattern(INDArray input) {
        throw new UnsupportedOperationException(name() + " cannot freeze its activation pattern");
    }

    /** Ends {@link #freezeActivationPattern} (nothing if no pattern is held). */
    default void releaseActivationPattern() {
    }

    /**
     * Bytes of device memory one training pass needs at this batch size beyond the parameters (an
     * estimate from the layer shapes: activations, gradient buffers, masks and backend scratch).
     */
    long activationBytes(int batch);

    /** Frees the engine's device memory (a no-op on the CPU beyond releasing buffers early). */
    @Override
    void close();

    /** Loss, logits [B, classes] and (for {@link #lossAndGradients}) gradients by parameter name, all on the host. */
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
