package org.gradreg.trainer.nn;

import java.util.Arrays;
import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** The residual sum a + b of two same-shaped branches, optionally followed by ReLU (ResNet's post-activation block end). */
final class Residual extends Layer {

    private final boolean relu;
    /** The recorded ReLU gate (1 where the recorded pass's output was positive, else 0), or null. */
    private Tensor gate;

    Residual(GraphEngine net, Layer a, Layer b, boolean relu) {
        super(net, a.shape, a, b);
        if (!Arrays.equals(a.shape, b.shape)) {
            throw new IllegalStateException("residual shapes differ: " + Arrays.toString(a.shape) + " vs " + Arrays.toString(b.shape));
        }
        this.relu = relu;
    }

    /** Whether ReLU follows the sum (then backward reads the output). */
    boolean relu() {
        return relu;
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().add(in[0].v, in[1].v, v);
        if (gate != null) {
            net.be().multiplyInPlace(v, gate);
        } else if (relu) {
            net.be().relu(v);
        }
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        if (gate != null) {
            net.be().multiplyInPlace(g, gate);
        } else if (relu) {
            net.be().reluBackward(v, g);
        }
        Layer b = in[1];
        if (b.needsGrad()) {
            if (b.g == null) {
                b.g = net.take(b);
                net.be().copy(g, b.g);
            } else {
                net.be().addInPlace(b.g, g);
            }
        }
        Tensor mine = g;
        g = null;
        net.deliver(in[0], mine);
    }

    @Override
    void recordPattern() {
        gate = relu ? net.reluGate(v) : null;
    }

    @Override
    void releasePattern() {
        gate = net.free(gate);
    }
}
