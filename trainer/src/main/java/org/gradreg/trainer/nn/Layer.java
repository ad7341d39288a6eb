package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/**
 * One layer of a {@link ConvEngine} graph, with the ViT layers' contract ({@link Linear},
 * {@link LayerNorm}): the parameters are created in the constructor from the engine's
 * {@link ParamSet} (creation order = initialisation order), {@link #forward} writes the output
 * buffer {@link #v} from the inputs' buffers, {@link #backward} consumes the output's gradient
 * {@link #g} and hands each input its gradient ({@link ConvEngine#deliver}), accumulating the
 * parameters' gradients. Buffers belong to the engine: the output is allocated once per batch size
 * ({@link #allocate}), gradients come from and go back to its pool ({@link ConvEngine#take}).
 */
abstract class Layer {

    /** The engine whose graph this layer is part of (buffers, batch size, backend, parameters). */
    final ConvEngine net;
    /** Output shape per example. */
    final long[] shape;
    final Layer[] in;
    /** Layers reading this one's output. */
    int consumers;
    /** Output buffer [batch, shape...]. */
    Tensor v;
    /** Gradient of the output during backward (from the pool), or null. */
    Tensor g;

    Layer(ConvEngine net, long[] shape, Layer... in) {
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

    /** Allocates this layer's buffers for a batch size (unless a dry run); returns their element count. */
    long allocate(int b, boolean dryRun) {
        if (!dryRun) {
            v = net.own(ConvEngine.full(shape, b));
        }
        return b * size();
    }

    /** v ← the layer of the inputs' values; {@code updateStatistics}: move running statistics (primary training passes). */
    abstract void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics);

    /** Consumes {@link #g} (the gradient of the output) and delivers the inputs' gradients. */
    abstract void backward(boolean evaluation, Map<String, Tensor> masks);

    /** Whether a gradient must flow into this layer (false for the input). */
    boolean needsGrad() {
        return true;
    }

    /** Backend scratch bytes this layer needs at batch size b. */
    long workspace(int b) {
        return 0;
    }

    /** The input batch: a layer without computation whose buffer the engine fills. */
    static final class Input extends Layer {
        Input(ConvEngine net, long[] shape) {
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
