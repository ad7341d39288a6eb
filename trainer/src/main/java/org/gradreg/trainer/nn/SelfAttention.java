package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention on [B·T, D] rows: q, k, v and output projections are 2-D GEMMs, then
 * per head softmax(q·kᵀ/√dh) with attention-probability dropout by a mask, times v.
 *
 * <p>The per-head products run as one BLAS call per head on the token rows on the CPU backend
 * ({@link Blas}: no copies); elsewhere q, k, v are copied to [B·H, T, dh] and multiplied with
 * ND4J's batched matmul. Both paths compute the same function (tested against each other).
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
    private final boolean direct;

    private static final MMulTranspose NN = MMulTranspose.allFalse();
    private static final MMulTranspose NT = MMulTranspose.builder().transposeB(true).build();
    private static final MMulTranspose TN = MMulTranspose.builder().transposeA(true).build();

    SelfAttention(ParamSet p, String name, int dim, int heads, int tokens, boolean direct) {
        this.query = new Linear(p, name + "/query", dim, dim, false);
        this.key = new Linear(p, name + "/key", dim, dim, false);
        this.value = new Linear(p, name + "/value", dim, dim, false);
        this.out = new Linear(p, name + "/out", dim, dim, false);
        this.tokens = tokens;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = 1 / Math.sqrt(headDim);
        this.direct = direct;
    }

    /** What a forward pass keeps for backward (per block, per batch size): q, k, v ([B·T, D] or [B·H, T, dh]), P, dropped P, o. */
    final class Saved {
        final INDArray q;
        final INDArray k;
        final INDArray v;
        final INDArray probs;
        final INDArray dropped;
        final INDArray o;
        INDArray mask;

        Saved(int batch, boolean dropout, DataType type) {
            int g = batch * heads;
            long n = (long) batch * tokens;
            long d = (long) heads * headDim;
            q = direct ? Nd4j.create(type, n, d) : Nd4j.create(type, g, tokens, headDim);
            k = q.ulike();
            v = q.ulike();
            probs = Nd4j.create(type, g, tokens, tokens);
            dropped = dropout ? probs.ulike() : null;
            o = Nd4j.create(type, n, d);
        }

        java.util.List<INDArray> arrays() {
            java.util.List<INDArray> l = new java.util.ArrayList<>(java.util.List.of(q, k, v, probs, o));
            if (dropped != null) {
                l.add(dropped);
            }
            return l;
        }
    }

    /** Scratch buffers shared by all blocks for one batch size. */
    final class Scratch {
        final INDArray rows;
        final INDArray dq;
        final INDArray dk;
        final INDArray dv;
        final INDArray dp;
        final INDArray dout;
        final INDArray tt;

        Scratch(int batch, DataType type) {
            int g = batch * heads;
            long n = (long) batch * tokens;
            long d = (long) heads * headDim;
            rows = Nd4j.create(type, n, d);
            dq = direct ? Nd4j.create(type, n, d) : Nd4j.create(type, g, tokens, headDim);
            dk = dq.ulike();
            dv = dq.ulike();
            dp = Nd4j.create(type, g, tokens, tokens);
            dout = dq.ulike();
            tt = dp.ulike();
        }

        java.util.List<INDArray> arrays() {
            return java.util.List.of(rows, dq, dk, dv, dp, dout, tt);
        }
    }

    /** y ← attention(x) for x [B·T, D]; {@code mask} the [B·H, T, T] dropout mask or null. */
    void forward(INDArray x, INDArray y, INDArray mask, Saved s, Scratch w, int batch) {
        if (direct) {
            query.forward(x, s.q);
            key.forward(x, s.k);
            value.forward(x, s.v);
            Blas.headsABt(s.q, s.k, s.probs, scale, batch, heads, tokens, headDim);
        } else {
            query.forward(x, w.rows);
            toHeads(w.rows, s.q, batch);
            key.forward(x, w.rows);
            toHeads(w.rows, s.k, batch);
            value.forward(x, w.rows);
            toHeads(w.rows, s.v, batch);
            Nd4j.exec(new Mmul(s.q, s.k, s.probs, scale, 0.0, NT));
        }
        INDArray p2 = s.probs.reshape(s.probs.size(0) * tokens, tokens);
        Nd4j.exec(new SoftMax(p2, p2, 1));
        INDArray p = s.probs;
        s.mask = mask;
        if (mask != null) {
            p = s.dropped.assign(s.probs).muli(mask);
        }
        if (direct) {
            Blas.headsPB(p, s.v, s.o, 1.0, false, batch, heads, tokens, headDim);
        } else {
            Nd4j.exec(new Mmul(p, s.v, w.dout, 1.0, 0.0, NN));
            fromHeads(w.dout, s.o, batch);
        }
        out.forward(s.o, y);
    }

    /** dx ← attentionᵀ·dy (overwritten), accumulating the projections' gradients; x is the forward input. */
    void backward(INDArray x, INDArray dy, INDArray dx, Saved s, Scratch w, int batch) {
        INDArray p = s.mask != null ? s.dropped : s.probs;
        if (direct) {
            out.backward(s.o, dy, w.dout, false);
            Blas.headsPB(p, w.dout, w.dv, 1.0, true, batch, heads, tokens, headDim);     // dV = Pᵀ·dO
            Blas.headsABt(w.dout, s.v, w.dp, 1.0, batch, heads, tokens, headDim);       // dP = dO·Vᵀ
        } else {
            out.backward(s.o, dy, w.rows, false);
            toHeads(w.rows, w.dout, batch);
            Nd4j.exec(new Mmul(p, w.dout, w.dv, 1.0, 0.0, TN));
            Nd4j.exec(new Mmul(w.dout, s.v, w.dp, 1.0, 0.0, NT));
        }
        if (s.mask != null) {
            w.dp.muli(s.mask);
        }
        // softmax backward: dS = P ⊙ (dP − Σ dP ⊙ P), on [B·H·T, T] rows
        INDArray dp2 = w.dp.reshape(w.dp.size(0) * tokens, tokens);
        INDArray p2 = s.probs.reshape(s.probs.size(0) * tokens, tokens);
        INDArray r = w.tt.reshape(dp2.shape()).assign(dp2).muli(p2).sum(true, 1);
        dp2.subiColumnVector(r).muli(p2);
        r.close();
        // dQ = scale·dS·K, dK = scale·dSᵀ·Q
        if (direct) {
            Blas.headsPB(w.dp, s.k, w.dq, scale, false, batch, heads, tokens, headDim);
            Blas.headsPB(w.dp, s.q, w.dk, scale, true, batch, heads, tokens, headDim);
            query.backward(x, w.dq, dx, false);
            key.backward(x, w.dk, dx, true);
            value.backward(x, w.dv, dx, true);
        } else {
            Nd4j.exec(new Mmul(w.dp, s.k, w.dq, scale, 0.0, NN));
            Nd4j.exec(new Mmul(w.dp, s.q, w.dk, scale, 0.0, TN));
            fromHeads(w.dq, w.rows, batch);
            query.backward(x, w.rows, dx, false);
            fromHeads(w.dk, w.rows, batch);
            key.backward(x, w.rows, dx, true);
            fromHeads(w.dv, w.rows, batch);
            value.backward(x, w.rows, dx, true);
        }
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
