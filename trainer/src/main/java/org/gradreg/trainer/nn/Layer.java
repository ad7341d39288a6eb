package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/**
 * One layer of a {@link GraphEngine} graph: the parameters are created in the constructor from the
 * engine's {@link ParamSet} (creation order = initialisation order), {@link #forward} writes the
 * output buffer {@link #v} from the inputs' buffers, {@link #backward} consumes the output's
 * gradient {@link #g} and hands each input its gradient ({@link GraphEngine#deliver}), setting the
 * parameters' gradients (a layer whose backend calls accumulate zeroes its own first). Buffers
 * belong to the engine: the output is allocated once per batch size ({@link #allocate}), gradients
 * come from and go back to its pool ({@link GraphEngine#take}).
 *
 * <p>The per-example output shape is {@link #shape}; the buffer is [batch, shape...], except that a
 * two-dimensional shape [T, D] (a sequence of token rows) is stored as [batch·T, D] rows, so that a
 * dense layer over tokens is one 2-D GEMM ({@link #buffer}). Backward runs in reverse creation
 * order, so when a layer's backward runs, every consumer of its output has run its own: a layer may
 * use its output buffer as scratch there if its own backward does not read it.
 */
abstract class Layer {

    /** The engine whose graph this layer is part of (buffers, batch size, backend, parameters). */
    final GraphEngine net;
    /** Output shape per example. */
    final long[] shape;
    final Layer[] in;
    /** Layers reading this one's output. */
    int consumers;
    /** Output buffer [batch, shape...]. */
    Tensor v;
    /** Gradient of the output during backward (from the pool), or null. */
    Tensor g;

    Layer(GraphEngine net, long[] shape, Layer... in) {
        this.net = net;
        this.shape = shape;
        this.in = in;
        for (Layer n : in) {
            n.consumers++;
        }
        net.add(this);
    }

    /** Elements per example. */
    long size() {
        return ParamSet.size(shape);
    }

    /** Whether the output lives in a buffer shared with other such layers (set by {@link #sharedOutput}). */
    private boolean sharedOutput;

    /** The output buffer's shape at batch size b: [b, shape...], or [b·T, D] rows for a [T, D] shape. */
    long[] buffer(int b) {
        return shape.length == 2 ? new long[] {b * shape[0], shape[1]} : GraphEngine.full(shape, b);
    }

    /**
     * Puts the output in a buffer shared by every layer so marked with the same buffer shape: for a
     * branch whose only consumer is the next layer, a {@link Residual} without ReLU (which reads its
     * inputs in forward only). The engine checks this when the declaration ends.
     */
    <L extends Layer> L sharedOutput() {
        sharedOutput = true;
        @SuppressWarnings("unchecked")
        L self = (L) this;
        return self;
    }

    boolean hasSharedOutput() {
        return sharedOutput;
    }

    /**
     * Allocates this layer's buffers for a batch size, or in a dry run only counts them; returns their
     * element count (a shared buffer counted once per engine). Layers with more buffers than the
     * output override it and add theirs.
     */
    long allocate(int b, boolean dryRun) {
        if (sharedOutput) {
            return net.shared("output", buffer(b), dryRun, t -> v = t);
        }
        if (!dryRun) {
            v = net.own(buffer(b));
        }
        return b * size();
    }

    /** The dropout mask of {@code site} in this pass (null: none). */
    static Tensor mask(String site, Map<String, Tensor> masks) {
        return site == null ? null : masks.get(site);
    }

    /** x ← x ⊙ mask unless the mask is null. */
    void drop(Tensor x, Tensor mask) {
        if (mask != null) {
            net.be().multiplyInPlace(x, mask);
        }
    }

    /** v ← the layer of the inputs' values; {@code updateStatistics}: move running statistics (primary training passes). */
    abstract void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics);

    /** Consumes {@link #g} (the gradient of the output) and delivers the inputs' gradients. */
    abstract void backward(boolean evaluation, Map<String, Tensor> masks);

    /**
     * Records this layer's activation pattern from the evaluation pass just run and uses it in the
     * passes that follow ({@link GraphEngine#freezeActivationPattern}); nothing for a layer without
     * kinks.
     */
    void recordPattern() {
    }

    /** Frees the recorded pattern and computes the layer itself again. */
    void releasePattern() {
    }

    /** Whether a gradient must flow into this layer (false for the input). */
    boolean needsGrad() {
        return true;
    }

    /** Backend scratch bytes this layer needs at batch size b (inside the backend, not engine buffers). */
    long workspace(int b) {
        return 0;
    }

    /** The input batch: a layer without computation whose buffer the engine fills. */
    static final class Input extends Layer {
        Input(GraphEngine net, long[] shape) {
            super(net, shape);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
        }

        @Override
        boolean needsGrad() {
            return false;
        }
    }
}
