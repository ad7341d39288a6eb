package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Tensor;

/**
 * The exact GELU x·Φ(x), then optionally the dropout mask of {@code site}; Φ(x) is kept for
 * backward. Backward uses the output buffer as scratch: its only reader, the next layer, has run
 * its backward by then.
 */
final class Gelu extends Layer {

    private final String site;
    private Tensor cdf;

    Gelu(GraphEngine net, Layer x, String site) {
        super(net, x.shape, x);
        this.site = site;
    }

    @Override
    long allocate(int b, boolean dryRun) {
        long n = super.allocate(b, dryRun);
        if (!dryRun) {
            cdf = net.own(buffer(b));
        }
        return n + b * size();
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        net.be().geluForward(in[0].v, cdf, v);
        drop(v, mask(site, masks));
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        drop(g, mask(site, masks));
        net.be().geluBackward(in[0].v, cdf, g, v); // dy·(Φ(x) + x·φ(x)) in place
        Tensor dx = g;
        g = null;
        net.deliver(in[0], dx);
    }
}
