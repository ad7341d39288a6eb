package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention on [B·T, D] rows: q, k, v and output projections are 2-D GEMMs; the
 * score and value products run batched over B·H heads ([B·H, T, dh] copies of q, k, v), softmax
 * over the last axis, then attention-probability dropout by a mask.
 */
final class SelfAttention {

    final Linear query;
    final Linear key;
    final Linear value;
    final Linear out;
    final int tokens;
    final int heads;
    final int headDim;
    private final double scale;

    private static final MMulTranspose NN = MMulTranspose.allFalse();
    private static final MMulTranspose NT = MMulTranspose.builder().transposeB(true).build();
    private static final MMulTranspose TN = MMulTranspose.builder().transposeA(true).build();

    SelfAttention(ParamSet p, String name, int dim, int heads, int tokens) {
        this.query = new Linear(p, name + "/query", dim, dim, false);
        this.key = new Linear(p, name + "/key", dim, dim, false);
        this.value = new Linear(p, name + "/value", dim, dim, false);
        this.out = new Linear(p, name + "/out", dim, dim, false);
        this.tokens = tokens;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = 1 / Math.sqrt(headDim);
    }

    /** What a forward pass keeps for backward (per block, per batch size). */
    static final class Saved {
        INDArray qh;
        INDArray kh;
        INDArray vh;
        INDArray probs;
        INDArray dropped;
        INDArray o;
        INDArray mask;

        Saved(int g, int t, int dh, int n, int d, boolean dropout, org.nd4j.linalg.api.buffer.DataType type) {
            qh = Nd4j.create(type, g, t, dh);
            kh = Nd4j.create(type, g, t, dh);
            vh = Nd4j.create(type, g, t, dh);
            probs = Nd4j.create(type, g, t, t);
            dropped = dropout ? Nd4j.create(type, g, t, t) : null;
            o = Nd4j.create(type, n, d);
        }
    }

    /** Shared scratch buffers for one batch size. */
    static final class Scratch {
        final INDArray rows;
        final INDArray dqh;
        final INDArray dkh;
        final INDArray dvh;
        final INDArray dp;
        final INDArray doh;

        Scratch(int g, int t, int dh, int n, int d, org.nd4j.linalg.api.buffer.DataType type) {
            rows = Nd4j.create(type, n, d);
            dqh = Nd4j.create(type, g, t, dh);
            dkh = Nd4j.create(type, g, t, dh);
            dvh = Nd4j.create(type, g, t, dh);
            dp = Nd4j.create(type, g, t, t);
            doh = Nd4j.create(type, g, t, dh);
        }
    }

    /** y ← attention(x) for x [B·T, D]; {@code mask} the [B·H, T, T] dropout mask or null. */
    void forward(INDArray x, INDArray y, INDArray mask, Saved s, Scratch w, int batch) {
        query.forward(x, w.rows);
        toHeads(w.rows, s.qh, batch);
        key.forward(x, w.rows);
        toHeads(w.rows, s.kh, batch);
        value.forward(x, w.rows);
        toHeads(w.rows, s.vh, batch);
        Nd4j.exec(new Mmul(s.qh, s.kh, s.probs, scale, 0.0, NT));
        INDArray p2 = s.probs.reshape(s.probs.size(0) * tokens, tokens);
        Nd4j.exec(new SoftMax(p2, p2, 1));
        INDArray p = s.probs;
        s.mask = mask;
        if (mask != null) {
            p = s.dropped.assign(s.probs).muli(mask);
        }
        Nd4j.exec(new Mmul(p, s.vh, w.doh, 1.0, 0.0, NN));
        fromHeads(w.doh, s.o, batch);
        out.forward(s.o, y);
    }

    /** dx ← attentionᵀ·dy (overwritten), accumulating the projections' gradients; x is the forward input. */
    void backward(INDArray x, INDArray dy, INDArray dx, Saved s, Scratch w, int batch) {
        out.backward(s.o, dy, w.rows, false);
        toHeads(w.rows, w.doh, batch);
        INDArray p = s.mask != null ? s.dropped : s.probs;
        // dV = Pᵀ·dO, dP = dO·Vᵀ
        Nd4j.exec(new Mmul(p, w.doh, w.dvh, 1.0, 0.0, TN));
        Nd4j.exec(new Mmul(w.doh, s.vh, w.dp, 1.0, 0.0, NT));
        if (s.mask != null) {
            w.dp.muli(s.mask);
        }
        // softmax backward: dS = P ⊙ (dP − Σ dP ⊙ P), on [B·H·T, T] rows
        INDArray dp2 = w.dp.reshape(w.dp.size(0) * tokens, tokens);
        INDArray p2 = s.probs.reshape(s.probs.size(0) * tokens, tokens);
        INDArray r = dp2.mul(p2).sum(true, 1);
        dp2.subiColumnVector(r).muli(p2);
        // dQ = scale·dS·K, dK = scale·dSᵀ·Q
        Nd4j.exec(new Mmul(w.dp, s.kh, w.dqh, scale, 0.0, NN));
        Nd4j.exec(new Mmul(w.dp, s.qh, w.dkh, scale, 0.0, TN));
        fromHeads(w.dqh, w.rows, batch);
        query.backward(x, w.rows, dx, false);
        fromHeads(w.dkh, w.rows, batch);
        key.backward(x, w.rows, dx, true);
        fromHeads(w.dvh, w.rows, batch);
        value.backward(x, w.rows, dx, true);
    }

    /** [B·T, D] → [B·H, T, dh]. */
    private void toHeads(INDArray rows, INDArray h, int batch) {
        h.reshape(batch, heads, tokens, headDim).assign(rows.reshape(batch, tokens, heads, headDim).permute(0, 2, 1, 3));
    }

    /** [B·H, T, dh] → [B·T, D]. */
    private void fromHeads(INDArray h, INDArray rows, int batch) {
        rows.reshape(batch, tokens, heads, headDim).assign(h.reshape(batch, heads, tokens, headDim).permute(0, 2, 1, 3));
    }
}
