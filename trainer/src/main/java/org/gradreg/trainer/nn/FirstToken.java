package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/** The first token row of each example ([T, D] → [D]): the ViT's CLS token after the last block. */
final class FirstToken extends Layer {

    private final int tokens;
    private final int dim;

    FirstToken(GraphEngine net, Layer x) {
        super(net, new long[] {x.shape[1]}, x);
        if (x.shape.length != 2) {
            throw new IllegalArgumentException("the first token of [T, D] token rows");
        }
        this.tokens = (int) x.shape[0];
        this.dim = (int) x.shape[1];
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().gatherFirstTokens(in[0].v, v, net.batch(), tokens, dim);
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Tensor dx = net.take(in[0]);
        net.be().scatterFirstTokens(g, dx, net.batch(), tokens, dim); // zero except the first rows
        net.deliver(in[0], dx);
    }
}
