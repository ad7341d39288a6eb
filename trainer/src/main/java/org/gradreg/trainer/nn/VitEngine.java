package org.gradreg.trainer.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * gnp's CIFAR ViT with a hand-written forward and backward pass over a {@link Backend}: pre-LN
 * blocks of multi-head self-attention and an exact-GELU MLP, a CLS token (zero init), learned
 * position embedding N(0, 0.02), dropout and attention dropout by masks, final LayerNorm on the CLS
 * token, zero-initialised head, xavier-uniform kernels.
 *
 * <p>Every activation lives in a buffer allocated once per batch size, exactly what backward needs
 * and nothing else, and every dense layer is one 2-D GEMM. The input is the batch cut into patches
 * ({@link #patchify}: one row per token, an all-zero row in the CLS slot), so the embedding is one
 * GEMM plus a [T, D] term.
 */
public final class VitEngine implements Engine {

    private final String name;
    private final VitConfig c;
    private final int classes;
    private final DataType type;
    private final Backend be;
    private final ParamSet p;
    private final Linear embed;
    private final ParamSet.Param cls;
    private final ParamSet.Param pos;
    private final LayerNorm[] ln1;
    private final SelfAttention[] attn;
    private final LayerNorm[] ln2;
    private final Linear[] mlp1;
    private final Linear[] mlp2;
    private final LayerNorm finalLn;
    private final Linear head;
    private final List<DropoutSite> sites = new ArrayList<>();
    private final MaskSet maskSet;
    private Buffers buf;

    public VitEngine(String name, VitConfig c, int classes, Backend be, long seed) {
        this.name = name;
        this.c = c;
        this.classes = classes;
        this.be = be;
        this.type = be.type();
        this.p = new ParamSet(be, seed);
        int d = c.hidden();
        int t = c.tokens();
        // creation order as the SameDiff ViT's, so the same seed gives the same initial weights
        embed = new Linear(p, "embed", c.patchDim(), d, false);
        cls = p.zeros("cls", 1, d);
        pos = p.normal("pos_embedding", 0.02, t, d);
        int l = c.layers();
        ln1 = new LayerNorm[l];
        attn = new SelfAttention[l];
        ln2 = new LayerNorm[l];
        mlp1 = new Linear[l];
        mlp2 = new Linear[l];
        site("dropout/embed", c.dropout(), b -> new long[] {(long) b * t, d});
        for (int i = 0; i < l; i++) {
            String b = "block" + i;
            ln1[i] = new LayerNorm(p, b + "/ln1", d, c.eps());
            attn[i] = new SelfAttention(p, b + "/attn", d, c.heads(), t);
            site("dropout/" + b + "/attn/probs", c.attentionDropout(), n -> new long[] {(long) n * c.heads(), t, t});
            site("dropout/" + b + "/attn_out", c.dropout(), n -> new long[] {(long) n * t, d});
            ln2[i] = new LayerNorm(p, b + "/ln2", d, c.eps());
            mlp1[i] = new Linear(p, b + "/mlp1", d, c.mlp(), false);
            site("dropout/" + b + "/mlp_hidden", c.dropout(), n -> new long[] {(long) n * t, c.mlp()});
            mlp2[i] = new Linear(p, b + "/mlp2", c.mlp(), d, false);
            site("dropout/" + b + "/mlp_out", c.dropout(), n -> new long[] {(long) n * t, d});
        }
        finalLn = new LayerNorm(p, "final_ln", d, c.eps());
        head = new Linear(p, "head", d, classes, c.zeroHead());
        maskSet = new MaskSet(be, sites);
    }

    private void site(String n, double rate, java.util.function.IntFunction<long[]> shape) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        if (rate > 0) {
            sites.add(new DropoutSite(n, rate, shape));
        }
    }

    /** Activation buffers for one batch size: what backward reads, plus shared scratch. */
    private final class Buffers {
        final int batch;
        final int n;
        final Tensor input;
        final Tensor[] x;
        final Tensor[] y1;
        final Tensor[] xhat1;
        final Tensor[] rstd1;
        final Tensor[] u;
        final Tensor[] y2;
        final Tensor[] xhat2;
        final Tensor[] rstd2;
        final Tensor[] h;
        final Tensor[] cdf;
        final Tensor[] g;
        final SelfAttention.Saved[] sa;
        final SelfAttention.Scratch scratch;
        final Tensor term;
        final Tensor rowsD;
        final Tensor rowsM;
        final Tensor dx;
        final Tensor dtmp;
        final Tensor lnScratch;
        final Tensor clsRows;
        final Tensor clsHat;
        final Tensor clsRstd;
        final Tensor clsNorm;
        final Tensor clsScratch;
        final Tensor logits;
        final Tensor dlogits;
        final Tensor target;
        final Tensor dcls;
        final Tensor dclsNorm;
        final INDArray hostLogits;
        /** Every tensor above, so that a batch-size change frees them at once instead of at the next collection. */
        private final List<Tensor> all = new ArrayList<>();

        private Tensor n(long... shape) {
            Tensor a = be.create(shape);
            all.add(a);
            return a;
        }

        void close() {
            for (Tensor a : all) {
                be.free(a);
            }
            all.clear();
        }

        Buffers(int batch) {
            this.batch = batch;
            int t = c.tokens();
            int d = c.hidden();
            int m = c.mlp();
            int l = c.layers();
            n = batch * t;
            boolean attnDrop = c.attentionDropout() > 0;
            input = n(n, c.patchDim());
            x = new Tensor[l + 1];
            y1 = new Tensor[l];
            xhat1 = new Tensor[l];
            rstd1 = new Tensor[l];
            u = new Tensor[l];
            y2 = new Tensor[l];
            xhat2 = new Tensor[l];
            rstd2 = new Tensor[l];
            h = new Tensor[l];
            cdf = new Tensor[l];
            g = new Tensor[l];
            sa = new SelfAttention.Saved[l];
            for (int i = 0; i <= l; i++) {
                x[i] = n(n, d);
            }
            for (int i = 0; i < l; i++) {
                y1[i] = n(n, d);
                xhat1[i] = n(n, d);
                rstd1[i] = n(n, 1);
                u[i] = n(n, d);
                y2[i] = n(n, d);
                xhat2[i] = n(n, d);
                rstd2[i] = n(n, 1);
                h[i] = n(n, m);
                cdf[i] = n(n, m);
                g[i] = n(n, m);
                sa[i] = attn[i].new Saved(batch, attnDrop);
                all.addAll(sa[i].tensors());
            }
            scratch = attn[0].new Scratch(batch);
            all.addAll(scratch.tensors());
            term = n(t, d);
            rowsD = n(n, d);
            rowsM = n(n, m);
            dx = n(n, d);
            dtmp = n(n, d);
            lnScratch = n(n, d);
            clsRows = n(batch, d);
            clsHat = n(batch, d);
            clsRstd = n(batch, 1);
            clsNorm = n(batch, d);
            clsScratch = n(batch, d);
            logits = n(batch, classes);
            dlogits = n(batch, classes);
            target = n(batch, classes);
            dcls = n(batch, d);
            dclsNorm = n(batch, d);
            hostLogits = Nd4j.create(type, batch, classes);
        }
    }

    @Override
    public long activationBytes(int batch) {
        long t = c.tokens();
        long n = batch * t;
        long d = c.hidden();
        long m = c.mlp();
        long gtt = (long) batch * c.heads() * t * t;
        long perBlock = 10 * n * d + 3 * n * m + (c.attentionDropout() > 0 ? 2 : 1) * gtt;
        // x[L]; attention scratch (dq, dk, dv, dout; dp, tt); rowsD, dx, dtmp, lnScratch; rowsM; the input
        long scratch = n * d + 4 * n * d + 2 * gtt + 4 * n * d + n * m + n * c.patchDim();
        long masks = 0;
        for (DropoutSite s : sites) {
            masks += ParamSet.size(s.shape().apply(batch));
        }
        return (c.layers() * perBlock + scratch + masks) * type.width();
    }

    private Buffers buffers(int batch) {
        if (buf == null || buf.batch != batch) {
            if (buf != null) {
                buf.close(); // free the old set now: the training and the last, smaller evaluation batch alternate every epoch
            }
            buf = null;
            buf = new Buffers(batch);
        }
        return buf;
    }

    /** Forward pass into the buffers; returns them. */
    private Buffers forward(INDArray input, Map<String, Tensor> masks) {
        int t = c.tokens();
        int d = c.hidden();
        int batch = Math.toIntExact(input.size(0) / t);
        Buffers b = buffers(batch);
        p.upload();
        be.upload(input, b.input);
        // embedding: patches·W + [T, D] term (row 0: CLS token, rows 1..: patch bias) + positions
        be.gemm(b.input, false, embed.w.value(), false, b.x[0], 1.0, 0.0);
        be.tokenEmbedding(b.x[0], pos.value(), cls.value(), embed.b.value(), b.term, batch, t, d);
        applyMask(b.x[0], masks.get("dropout/embed"));
        for (int i = 0; i < c.layers(); i++) {
            String blk = "dropout/block" + i;
            ln1[i].forward(b.x[i], b.xhat1[i], b.rstd1[i], b.y1[i]);
            attn[i].forward(b.y1[i], b.rowsD, masks.get(blk + "/attn/probs"), b.sa[i], batch);
            applyMask(b.rowsD, masks.get(blk + "/attn_out"));
            be.add(b.x[i], b.rowsD, b.u[i]);
            ln2[i].forward(b.u[i], b.xhat2[i], b.rstd2[i], b.y2[i]);
            mlp1[i].forward(b.y2[i], b.h[i]);
            be.geluForward(b.h[i], b.cdf[i], b.g[i]);
            applyMask(b.g[i], masks.get(blk + "/mlp_hidden"));
            mlp2[i].forward(b.g[i], b.rowsD);
            applyMask(b.rowsD, masks.get(blk + "/mlp_out"));
            be.add(b.u[i], b.rowsD, b.x[i + 1]);
        }
        be.gatherFirstTokens(b.x[c.layers()], b.clsRows, batch, t, d);
        finalLn.forward(b.clsRows, b.clsHat, b.clsRstd, b.clsNorm);
        head.forward(b.clsNorm, b.logits);
        return b;
    }

    private void applyMask(Tensor x, Tensor mask) {
        if (mask != null) {
            be.multiplyInPlace(x, mask);
        }
    }

    private void backward(Buffers b, Map<String, Tensor> masks) {
        int t = c.tokens();
        int d = c.hidden();
        int batch = b.batch;
        p.zeroGrads();
        head.backward(b.clsNorm, b.dlogits, b.dclsNorm, false);
        finalLn.backward(b.dclsNorm, b.clsHat, b.clsRstd, b.dcls, b.clsScratch);
        // dx: zero except the CLS rows
        Tensor dx = b.dx;
        be.scatterFirstTokens(b.dcls, dx, batch, t, d);
        for (int i = c.layers() - 1; i >= 0; i--) {
            String blk = "dropout/block" + i;
            // x[i+1] = u + drop(mlp2(drop(gelu(mlp1(ln2(u))))))
            be.copy(dx, b.rowsD);
            applyMask(b.rowsD, masks.get(blk + "/mlp_out"));
            mlp2[i].backward(b.g[i], b.rowsD, b.rowsM, false);
            applyMask(b.rowsM, masks.get(blk + "/mlp_hidden"));
            be.geluBackward(b.h[i], b.cdf[i], b.rowsM, b.g[i]); // g[i] is no longer needed: scratch
            mlp1[i].backward(b.y2[i], b.rowsM, b.dtmp, false);
            ln2[i].backward(b.dtmp, b.xhat2[i], b.rstd2[i], b.rowsD, b.lnScratch);
            be.addInPlace(dx, b.rowsD); // du
            // u = x + drop(attn(ln1(x)))
            be.copy(dx, b.rowsD);
            applyMask(b.rowsD, masks.get(blk + "/attn_out"));
            attn[i].backward(b.y1[i], b.rowsD, b.dtmp, b.sa[i], b.scratch, batch);
            ln1[i].backward(b.dtmp, b.xhat1[i], b.rstd1[i], b.rowsD, b.lnScratch);
            be.addInPlace(dx, b.rowsD);
        }
        applyMask(dx, masks.get("dropout/embed"));
        // embedding: dW = inputᵀ·dx; the [T, D] term's gradient is Σ over the batch
        be.gemm(b.input, true, dx, false, embed.w.grad(), 1.0, 1.0);
        be.tokenEmbeddingBackward(dx, pos.grad(), cls.grad(), embed.b.grad(), batch, t, d);
        p.downloadGradients();
    }

    @Override
    public Result lossAndGradients(INDArray input, INDArray target, Dropout dropout, boolean evaluation, boolean updateStatistics) {
        int batch = Math.toIntExact(input.size(0) / c.tokens());
        Map<String, Tensor> masks = maskSet.prepare(dropout, batch, evaluation);
        Buffers b = forward(input, masks);
        be.upload(target, b.target);
        double loss = be.crossEntropy(b.logits, b.target, b.dlogits);
        backward(b, masks);
        return new Result(loss, logits(b), p.grads());
    }

    @Override
    public Result loss(INDArray input, INDArray target, Dropout dropout, boolean evaluation) {
        int batch = Math.toIntExact(input.size(0) / c.tokens());
        Buffers b = forward(input, maskSet.prepare(dropout, batch, evaluation));
        be.upload(target, b.target);
        return new Result(be.crossEntropy(b.logits, b.target, null), logits(b), Map.of());
    }

    private INDArray logits(Buffers b) {
        be.download(b.logits, b.hostLogits);
        return b.hostLogits;
    }

    /**
     * Cuts NCHW images into [B·T, C·p·p] rows: row 0 of each image is zero (the CLS slot), then the
     * patches in row-major order, each flattened as (channel, row, column).
     */
    public static INDArray patchify(Batch b, VitConfig c, DataType type) {
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
        INDArray a = Nd4j.createFromArray(out).reshape(b.size() * (long) t, pd);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return c.toString();
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public Backend backend() {
        return be;
    }

    @Override
    public LinkedHashMap<String, INDArray> parameters() {
        return p.values();
    }

    @Override
    public List<DropoutSite> dropoutSites() {
        return sites;
    }

    @Override
    public Map<String, INDArray> runningStatistics() {
        return Map.of();
    }

    @Override
    public INDArray input(Batch batch) {
        return patchify(batch, c, type);
    }

    @Override
    public void close() {
        if (buf != null) {
            buf.close();
            buf = null;
        }
        maskSet.close();
        p.close();
        be.close();
    }

    @Override
    public String toString() {
        return name + " (" + description() + "; " + parameterCount() + " parameters, " + type + ")";
    }
}
