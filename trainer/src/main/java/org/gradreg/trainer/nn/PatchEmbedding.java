package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViT's token embedding of the patch rows ({@link #patchify}: one row per token, an all-zero row
 * in the CLS slot): patches·W (one GEMM) plus a [T, D] term — row 0 the CLS token (zero init), rows
 * 1.. the patch bias — plus the learned position embedding N(0, 0.02); then optionally the dropout
 * mask of {@code site}. Parameters {@code embed/kernel} (xavier-uniform), {@code embed/bias},
 * {@code cls}, {@code pos_embedding}, created in that order.
 */
final class PatchEmbedding extends Layer {

    private final Linear embed;
    private final ParamSet.Param cls;
    private final ParamSet.Param pos;
    private final int tokens;
    private final int dim;
    private final String site;
    private Tensor term;

    PatchEmbedding(GraphEngine net, Layer patches, int dim, String site) {
        super(net, new long[] {patches.shape[0], dim}, patches);
        this.tokens = (int) patches.shape[0];
        this.dim = dim;
        this.embed = new Linear(net.params(), "embed", (int) patches.shape[1], dim, false);
        this.cls = net.params().zeros("cls", 1, dim);
        this.pos = net.params().normal("pos_embedding", 0.02, tokens, dim);
        this.site = site;
    }

    @Override
    long allocate(int b, boolean dryRun) {
        long n = super.allocate(b, dryRun);
        if (!dryRun) {
            term = net.own(new long[] {tokens, dim});
        }
        return n + (long) tokens * dim;
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        Backend be = net.be();
        be.gemm(in[0].v, false, embed.w.value(), false, v, 1.0, 0.0);
        be.tokenEmbedding(v, pos.value(), cls.value(), embed.b.value(), term, net.batch(), tokens, dim);
        drop(v, mask(site, masks));
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Backend be = net.be();
        drop(g, mask(site, masks));
        be.zero(embed.w.grad());
        be.zero(embed.b.grad());
        be.zero(cls.grad());
        be.zero(pos.grad());
        // dW = patchesᵀ·dx; the [T, D] term's gradient is Σ over the batch
        be.gemm(in[0].v, true, g, false, embed.w.grad(), 1.0, 1.0);
        be.tokenEmbeddingBackward(g, pos.grad(), cls.grad(), embed.b.grad(), net.batch(), tokens, dim);
    }

    /**
     * Cuts NCHW images into [B·T, C·p·p] rows: row 0 of each image is zero (the CLS slot), then the
     * patches in row-major order, each flattened as (channel, row, column). FLOAT.
     */
    static INDArray patchify(Batch b, VitConfig c) {
        int p = c.patch();
        int g = c.image() / p;
        int t = c.tokens();
        int pd = c.patchDim();
        if (b.height() != c.image() || b.width() != c.image() || b.channels() != c.channels()) {
            throw new IllegalArgumentException("the model expects " + c.channels() + "x" + c.image() + "x" + c.image()
                    + " images but the data has " + b.channels() + "x" + b.height() + "x" + b.width());
        }
        int hw = c.image();
        int plane = hw * hw;
        int img = c.channels() * plane;
        float[] out = new float[b.size() * t * pd];
        float[] src = b.images();
        for (int n = 0; n < b.size(); n++) {
            for (int gy = 0; gy < g; gy++) {
                for (int gx = 0; gx < g; gx++) {
                    int row = (n * t + 1 + gy * g + gx) * pd;
                    int k = 0;
                    for (int ch = 0; ch < c.channels(); ch++) {
                        for (int py = 0; py < p; py++) {
                            int s = n * img + ch * plane + (gy * p + py) * hw + gx * p;
                            for (int px = 0; px < p; px++) {
                                out[row + k++] = src[s + px];
                            }
                        }
                    }
                }
            }
        }
        return Nd4j.createFromArray(out).reshape(b.size() * (long) t, pd);
    }
}
