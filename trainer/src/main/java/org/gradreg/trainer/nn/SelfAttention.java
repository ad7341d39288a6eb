package org.gradreg.trainer.nn;

import java.util.List;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;

/**
 * Multi-head self-attention on [B·T, D] token rows: q, k, v and output projections are 2-D GEMMs,
 * then per head softmax(q·kᵀ/√dh) with attention-probability dropout by a mask, times v. The
 * per-head products run on the token rows directly (head h of example b is the [T, dh] block at
 * row b·T, column h·dh): {@link Backend#headsABt}, {@link Backend#headsPB}.
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
    private final Backend be;

    SelfAttention(ParamSet p, String name, int dim, int heads, int tokens) {
        this.be = p.backend();
        this.query = new Linear(p, name + "/query", dim, dim, false);
        this.key = new Linear(p, name + "/key", dim, dim, false);
        this.value = new Linear(p, name + "/value", dim, dim, false);
        this.out = new Linear(p, name + "/out", dim, dim, false);
        this.tokens = tokens;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = 1 / Math.sqrt(headDim);
    }

    /** What a forward pass keeps for backward (per block, per batch size): q, k, v [B·T, D], P, dropped P, o. */
    final class Saved {
        final Tensor q;
        final Tensor k;
        final Tensor v;
        final Tensor probs;
        final Tensor dropped;
        final Tensor o;
        Tensor mask;

        Saved(int batch, boolean dropout) {
            long n = (long) batch * tokens;
            long d = (long) heads * headDim;
            q = be.create(n, d);
            k = be.create(n, d);
            v = be.create(n, d);
            probs = be.create((long) batch * heads, tokens, tokens);
            dropped = dropout ? be.create((long) batch * heads, tokens, tokens) : null;
            o = be.create(n, d);
        }

        List<Tensor> tensors() {
            return dropped == null ? List.of(q, k, v, probs, o) : List.of(q, k, v, probs, o, dropped);
        }
    }

    /** Scratch buffers shared by all blocks for one batch size. */
    final class Scratch {
        final Tensor dq;
        final Tensor dk;
        final Tensor dv;
        final Tensor dp;
        final Tensor dout;
        final Tensor tt;

        Scratch(int batch) {
            long n = (long) batch * tokens;
            long d = (long) heads * headDim;
            dq = be.create(n, d);
            dk = be.create(n, d);
            dv = be.create(n, d);
            dp = be.create((long) batch * heads, tokens, tokens);
            dout = be.create(n, d);
            tt = be.create((long) batch * heads, tokens, tokens);
        }

        List<Tensor> tensors() {
            return List.of(dq, dk, dv, dp, dout, tt);
        }
    }

    /** y ← attention(x) for x [B·T, D]; {@code mask} the [B·H, T, T] dropout mask or null. */
    void forward(Tensor x, Tensor y, Tensor mask, Saved s, int batch) {
        query.forward(x, s.q);
        key.forward(x, s.k);
        value.forward(x, s.v);
        be.headsABt(s.q, s.k, s.probs, scale, batch, heads, tokens, headDim);
        be.softmaxRows(s.probs, tokens);
        Tensor p = s.probs;
        s.mask = mask;
        if (mask != null) {
            be.copy(s.probs, s.dropped);
            be.multiplyInPlace(s.dropped, mask);
            p = s.dropped;
        }
        be.headsPB(p, s.v, s.o, 1.0, false, batch, heads, tokens, headDim);
        out.forward(s.o, y);
    }

    /** dx ← attentionᵀ·dy (overwritten), accumulating the projections' gradients; x is the forward input. */
    void backward(Tensor x, Tensor dy, Tensor dx, Saved s, Scratch w, int batch) {
        Tensor p = s.mask != null ? s.dropped : s.probs;
        out.backward(s.o, dy, w.dout, false);
        be.headsPB(p, w.dout, w.dv, 1.0, true, batch, heads, tokens, headDim);     // dV = Pᵀ·dO
        be.headsABt(w.dout, s.v, w.dp, 1.0, batch, heads, tokens, headDim);       // dP = dO·Vᵀ
        if (s.mask != null) {
            be.multiplyInPlace(w.dp, s.mask);
        }
        // softmax backward: dS = P ⊙ (dP − Σ dP ⊙ P), on rows of T
        be.softmaxBackward(w.dp, s.probs, w.tt, tokens);
        // dQ = scale·dS·K, dK = scale·dSᵀ·Q
        be.headsPB(w.dp, s.k, w.dq, scale, false, batch, heads, tokens, headDim);
        be.headsPB(w.dp, s.q, w.dk, scale, true, batch, heads, tokens, headDim);
        query.backward(x, w.dq, dx, false);
        key.backward(x, w.dk, dx, true);
        value.backward(x, w.dv, dx, true);
    }
}
