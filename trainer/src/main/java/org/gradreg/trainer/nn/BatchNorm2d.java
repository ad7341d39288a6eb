package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch norm over (N, H, W) of [N, C, H, W] (Ioffe and Szegedy 2015), then optionally ReLU and
 * dropout (the mask of {@code site}); γ = 1, β = 0 at the start, ε {@link GraphEngine#BN_EPS},
 * momentum {@link GraphEngine#BN_MOMENTUM} as torch's. Training: the batch's mean and biased
 * variance, the running statistics moved with the unbiased variance on primary passes;
 * evaluation: the running statistics. x̂ is kept for backward, in the input's buffer when the input
 * is a convolution read by nothing else (backward needs only the convolution's input and x̂).
 */
final class BatchNorm2d extends Layer {

    final ParamSet.Param gamma;
    final ParamSet.Param beta;
    final INDArray runMean;
    final INDArray runVar;
    final Tensor runMeanT;
    final Tensor runVarT;
    private final boolean relu;
    private final String site;
    private final boolean inPlace;
    private final long c;
    private Tensor xhat;
    private Backend.BatchNormTensors t;
    /** The recorded ReLU gate (1 where the recorded pass's output was positive, else 0), or null. */
    private Tensor gate;

    BatchNorm2d(GraphEngine net, String name, Layer x, boolean relu, String site) {
        super(net, x.shape, x);
        Backend be = net.be();
        this.c = x.shape[0];
        this.gamma = net.params().ones(name + "/scale", 1, c, 1, 1);
        this.beta = net.params().zeros(name + "/bias", 1, c, 1, 1);
        this.runMean = Nd4j.zeros(be.type(), 1, c, 1, 1);
        this.runVar = Nd4j.ones(be.type(), 1, c, 1, 1);
        this.runMeanT = be.mirror(runMean);
        this.runVarT = be.mirror(runVar);
        this.relu = relu;
        this.site = site;
        this.inPlace = x instanceof Conv2d;
        net.addBatchNorm(name, this);
    }

    @Override
    long allocate(int b, boolean dryRun) {
        long n = super.allocate(b, dryRun);
        boolean reuse = inPlace && in[0].consumers == 1;
        if (!dryRun) {
            // a convolution feeding only this layer: its output buffer becomes x̂
            xhat = reuse ? in[0].v : net.own(buffer(b));
            t = new Backend.BatchNormTensors(gamma.value().reshape(c), beta.value().reshape(c), gamma.grad().reshape(c),
                    beta.grad().reshape(c), runMeanT.reshape(c), runVarT.reshape(c), net.own(new long[] {c}), net.own(new long[] {c}),
                    net.own(new long[] {c}), net.own(new long[] {c}));
        }
        return n + (reuse ? 0 : b * size()) + 4 * c;
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        if (gate != null) { // a frozen pattern (evaluation mode, no dropout): the gate instead of ReLU
            net.be().batchNormForward(in[0].v, xhat, v, t, evaluation, updateStatistics, GraphEngine.BN_MOMENTUM, GraphEngine.BN_EPS, false, gate);
            return;
        }
        Tensor mask = site == null || evaluation ? null : masks.get(site);
        net.be().batchNormForward(in[0].v, xhat, v, t, evaluation, updateStatistics, GraphEngine.BN_MOMENTUM, GraphEngine.BN_EPS, relu, mask);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(this);
        if (gate != null) {
            net.be().batchNormBackward(g, v, xhat, dx, t, evaluation, false, gate);
        } else {
            Tensor mask = site == null || evaluation ? null : masks.get(site);
            net.be().batchNormBackward(g, v, xhat, dx, t, evaluation, relu, mask);
        }
        net.deliver(in[0], dx);
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
