package org.gradreg.trainer.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.model.DropoutSite;
import org.gradreg.trainer.model.Vit;
import org.gradreg.trainer.model.VitConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * gnp's CIFAR ViT with a hand-written forward and backward pass over ND4J arrays: pre-LN blocks
 * of multi-head self-attention and an exact-GELU MLP, a CLS token (zero init), learned position
 * embedding N(0, 0.02), dropout and attention dropout by masks, final LayerNorm on the CLS token,
 * zero-initialised head, xavier-uniform kernels.
 *
 * <p>Why not SameDiff: SameDiff M2.1 keeps every node output of a thread's last call reachable and
 * builds each op's output anew; here every activation lives in a buffer allocated once per batch
 * size, exactly what backward needs and nothing else, and every dense layer is one 2-D GEMM.
 * The input is the batch cut into patches ({@link Vit#patchify}: one row per token, an all-zero
 * row in the CLS slot), so the embedding is one GEMM plus a [T, D] term.
 */
public final class VitEngine implements Engine {

    private final String name;
    private final VitConfig c;
    private final int classes;
    private final DataType type;
    private final ParamSet p;
    private final Linear embed;
    private final INDArray cls;
    private final INDArray pos;
    private final LayerNorm[] ln1;
    private final SelfAttention[] attn;
    private final LayerNorm[] ln2;
    private final Linear[] mlp1;
    private final Linear[] mlp2;
    private final LayerNorm finalLn;
    private final Linear head;
    private final List<DropoutSite> sites = new ArrayList<>();
    private Buffers buf;

    public VitEngine(String name, VitConfig c, int classes, DataType type, long seed) {
        this(name, c, classes, type, seed, Blas.direct());
    }

    /** {@code direct}: attention's per-head products by BLAS calls on the token rows (CPU backend only). */
    VitEngine(String name, VitConfig c, int classes, DataType type, long seed, boolean direct) {
        this.name = name;
        this.c = c;
        this.classes = classes;
        this.type = type;
        this.p = new ParamSet(type, seed);
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
            attn[i] = new SelfAttention(p, b + "/attn", d, c.heads(), t, direct);
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
        final INDArray input;
        final INDArray[] x;
        final INDArray[] y1;
        final INDArray[] xhat1;
        final INDArray[] u;
        final INDArray[] y2;
        final INDArray[] xhat2;
        final INDArray[] h;
        final INDArray[] cdf;
        final INDArray[] g;
        final LayerNorm.Saved[] s1;
        final LayerNorm.Saved[] s2;
        final SelfAttention.Saved[] sa;
        final SelfAttention.Scratch scratch;
        final INDArray term;
        final INDArray rowsD;
        final INDArray rowsM;
        final INDArray dx;
        final INDArray dtmp;
        final INDArray lnScratch;
        final INDArray clsRows;
        final INDArray clsHat;
        final INDArray clsNorm;
        final INDArray logits;
        final INDArray dcls;
        final INDArray dclsNorm;
        final LayerNorm.Saved sf = new LayerNorm.Saved();
        /** Every array above, so that a batch-size change frees them at once instead of at the next collection. */
        private final List<INDArray> all = new ArrayList<>();

        private INDArray n(long... shape) {
            INDArray a = Nd4j.create(type, shape);
            all.add(a);
            return a;
        }

        void close() {
            for (INDArray a : all) {
                a.close();
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
            x = new INDArray[l + 1];
            y1 = new INDArray[l];
            xhat1 = new INDArray[l];
            u = new INDArray[l];
            y2 = new INDArray[l];
            xhat2 = new INDArray[l];
            h = new INDArray[l];
            cdf = new INDArray[l];
            g = new INDArray[l];
            s1 = new LayerNorm.Saved[l];
            s2 = new LayerNorm.Saved[l];
            sa = new SelfAttention.Saved[l];
            for (int i = 0; i <= l; i++) {
                x[i] = n(n, d);
            }
            for (int i = 0; i < l; i++) {
                y1[i] = n(n, d);
                xhat1[i] = n(n, d);
                u[i] = n(n, d);
                y2[i] = n(n, d);
                xhat2[i] = n(n, d);
                h[i] = n(n, m);
                cdf[i] = n(n, m);
                g[i] = n(n, m);
                s1[i] = new LayerNorm.Saved();
                s2[i] = new LayerNorm.Saved();
                sa[i] = attn[i].new Saved(batch, attnDrop, type);
                all.addAll(sa[i].arrays());
            }
            scratch = attn[0].new Scratch(batch, type);
            all.addAll(scratch.arrays());
            term = n(t, d);
            rowsD = n(n, d);
            rowsM = n(n, m);
            dx = n(n, d);
            dtmp = n(n, d);
            lnScratch = n(n, d);
            clsRows = n(batch, d);
            clsHat = n(batch, d);
            clsNorm = n(batch, d);
            logits = n(batch, classes);
            dcls = n(batch, d);
            dclsNorm = n(batch, d);
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
        // x[L]; attention scratch (rows, dq, dk, dv, dout; dp, tt); rowsD, dx, dtmp, lnScratch; rowsM; the input
        long scratch = n * d + 5 * n * d + 2 * gtt + 4 * n * d + n * m + n * c.patchDim();
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

    private static INDArray mask(Map<String, INDArray> masks, String site) {
        return masks == null ? null : masks.get(site);
    }

    /** Forward pass; returns the logits buffer. */
    private Buffers forward(INDArray input, Map<String, INDArray> masks) {
        int t = c.tokens();
        int d = c.hidden();
        int batch = Math.toIntExact(input.size(0) / t);
        Buffers b = buffers(batch);
        b.input.assign(input);
        // embedding: patches·W + [T, D] term (row 0: CLS token, rows 1..: patch bias) + positions
        Blas.gemm(b.input, false, embed.w, false, b.x[0], 1.0, 0.0);
        b.term.assign(pos);
        b.term.getRow(0).addi(cls.reshape(d));
        if (t > 1) {
            b.term.get(NDArrayIndex.interval(1, t), NDArrayIndex.all()).addiRowVector(embed.b);
        }
        b.x[0].reshape(batch, (long) t * d).addiRowVector(b.term.reshape(1, (long) t * d));
        applyMask(b.x[0], mask(masks, "dropout/embed"));
        for (int i = 0; i < c.layers(); i++) {
            String blk = "dropout/block" + i;
            ln1[i].forward(b.x[i], b.xhat1[i], b.y1[i], b.s1[i]);
            attn[i].forward(b.y1[i], b.rowsD, mask(masks, blk + "/attn/probs"), b.sa[i], b.scratch, batch);
            applyMask(b.rowsD, mask(masks, blk + "/attn_out"));
            b.u[i].assign(b.x[i]).addi(b.rowsD);
            ln2[i].forward(b.u[i], b.xhat2[i], b.y2[i], b.s2[i]);
            mlp1[i].forward(b.y2[i], b.h[i]);
            Gelu.forward(b.h[i], b.cdf[i], b.g[i]);
            applyMask(b.g[i], mask(masks, blk + "/mlp_hidden"));
            mlp2[i].forward(b.g[i], b.rowsD);
            applyMask(b.rowsD, mask(masks, blk + "/mlp_out"));
            b.x[i + 1].assign(b.u[i]).addi(b.rowsD);
        }
        b.clsRows.assign(b.x[c.layers()].reshape(batch, (long) t * d).get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)));
        finalLn.forward(b.clsRows, b.clsHat, b.clsNorm, b.sf);
        head.forward(b.clsNorm, b.logits);
        return b;
    }

    private static void applyMask(INDArray x, INDArray mask) {
        if (mask != null) {
            x.muli(mask.reshape(x.shape()));
        }
    }

    private void backward(Buffers b, INDArray dlogits, Map<String, INDArray> masks) {
        int t = c.tokens();
        int d = c.hidden();
        int batch = b.batch;
        p.zeroGrads();
        head.backward(b.clsNorm, dlogits, b.dclsNorm, false);
        finalLn.backward(b.dclsNorm, b.sf, b.dcls, b.clsHat.ulike());
        // dx: zero except the CLS rows
        INDArray dx = b.dx;
        dx.assign(0);
        dx.reshape(batch, (long) t * d).get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).assign(b.dcls);
        for (int i = c.layers() - 1; i >= 0; i--) {
            String blk = "dropout/block" + i;
            // x[i+1] = u + drop(mlp2(drop(gelu(mlp1(ln2(u))))))
            b.rowsD.assign(dx);
            applyMask(b.rowsD, mask(masks, blk + "/mlp_out"));
            mlp2[i].backward(b.g[i], b.rowsD, b.rowsM, false);
            applyMask(b.rowsM, mask(masks, blk + "/mlp_hidden"));
            Gelu.backwardInPlace(b.h[i], b.cdf[i], b.rowsM, b.g[i]); // g[i] is no longer needed: scratch
            mlp1[i].backward(b.y2[i], b.rowsM, b.dtmp, false);
            ln2[i].backward(b.dtmp, b.s2[i], b.rowsD, b.lnScratch);
            dx.addi(b.rowsD); // du
            // u = x + drop(attn(ln1(x)))
            b.rowsD.assign(dx);
            applyMask(b.rowsD, mask(masks, blk + "/attn_out"));
            attn[i].backward(b.y1[i], b.rowsD, b.dtmp, b.sa[i], b.scratch, batch);
            ln1[i].backward(b.dtmp, b.s1[i], b.rowsD, b.lnScratch);
            dx.addi(b.rowsD);
        }
        applyMask(dx, mask(masks, "dropout/embed"));
        // embedding: dW = inputᵀ·dx; the [T, D] term's gradient is Σ over the batch
        Blas.gemm(b.input, true, dx, false, p.grad("embed/kernel"), 1.0, 1.0);
        INDArray dterm = dx.reshape(batch, (long) t * d).sum(0).reshape(t, d);
        p.grad("pos_embedding").addi(dterm);
        p.grad("cls").addi(dterm.getRow(0).reshape(1, d));
        if (t > 1) {
            p.grad("embed/bias").addi(dterm.get(NDArrayIndex.interval(1, t), NDArrayIndex.all()).sum(true, 0));
        }
    }

    @Override
    public Result lossAndGradients(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation,
                                   boolean updateStatistics) {
        if (evaluation) {
            masks = Map.of();
        }
        Buffers b = forward(input, masks);
        INDArray dlogits = Nd4j.create(type, b.batch, classes);
        double loss = CrossEntropy.lossAndGradient(b.logits, target, dlogits);
        backward(b, dlogits, masks);
        return new Result(loss, b.logits, p.grads());
    }

    @Override
    public Result loss(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation) {
        Buffers b = forward(input, evaluation ? Map.of() : masks);
        return new Result(CrossEntropy.lossAndGradient(b.logits, target, null), b.logits, Map.of());
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
        return Vit.patchify(batch, c, type);
    }

    @Override
    public String toString() {
        return name + " (" + description() + "; " + parameterCount() + " parameters, " + type + ")";
    }
}
