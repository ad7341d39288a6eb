package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;

/**
 * Multi-head self-attention on [T, D] token rows: q, k, v and output projections are 2-D GEMMs,
 * then per head softmax(q·kᵀ/√dh) with attention-probability dropout by a mask (site
 * {@code probsSite}), times v; then optionally the output's dropout mask ({@code outSite}). The
 * per-head products run on the token rows directly (head h of example b is the [T, dh] block at
 * row b·T, column h·dh): {@link Backend#headsABt}, {@link Backend#headsPB}.
 *
 * <p>Forward keeps q, k, v, P (and the dropped P) and the heads' output per layer; backward's
 * buffers (dq, dk, dv, dP, d(out), and a [B·H, T, T] scratch) are shared by every attention layer of
 * the engine ({@link GraphEngine#shared}).
 */
final class SelfAttention extends Layer {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear out;
    private final Linear[] projections;
    private final int tokens;
    private final int heads;
    private final int headDim;
    private final double scale;
    private final String probsSite;
    private final String outSite;
    // kept for backward, per batch size
    private Tensor q;
    private Tensor k;
    private Tensor vals;
    private Tensor probs;
    private Tensor dropped;
    private Tensor o;
    private Tensor probsMask;
    // backward scratch, shared
    private Tensor dq;
    private Tensor dk;
    private Tensor dv;
    private Tensor dp;
    private Tensor dout;
    private Tensor tt;

    SelfAttention(GraphEngine net, String name, Layer x, int heads, String probsSite, String outSite) {
        super(net, x.shape, x);
        if (x.shape.length != 2) {
            throw new IllegalArgumentException("attention reads [T, D] token rows");
        }
        int dim = (int) x.shape[1];
        this.query = new Linear(net.params(), name + "/query", dim, dim, false);
        this.key = new Linear(net.params(), name + "/key", dim, dim, false);
        this.value = new Linear(net.params(), name + "/value", dim, dim, false);
        this.out = new Linear(net.params(), name + "/out", dim, dim, false);
        this.projections = new Linear[] {query, key, value, out};
        this.tokens = (int) x.shape[0];
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = 1 / Math.sqrt(headDim);
        this.probsSite = probsSite;
        this.outSite = outSite;
    }

    @Override
    long allocate(int b, boolean dryRun) {
        long n = super.allocate(b, dryRun);
        long[] rows = buffer(b);
        long[] tt3 = {(long) b * heads, tokens, tokens};
        boolean drop = probsSite != null;
        if (!dryRun) {
            q = net.own(rows);
            k = net.own(rows);
            vals = net.own(rows);
            probs = net.own(tt3);
            dropped = drop ? net.own(tt3) : null;
            o = net.own(rows);
        }
        long r = Tensor.lengthOf(rows);
        long p = Tensor.lengthOf(tt3);
        n += 4 * r + (drop ? 2 : 1) * p;
        n += net.shared("attention/dq", rows, dryRun, t -> dq = t);
        n += net.shared("attention/dk", rows, dryRun, t -> dk = t);
        n += net.shared("attention/dv", rows, dryRun, t -> dv = t);
        n += net.shared("attention/dp", tt3, dryRun, t -> dp = t);
        n += net.shared("attention/dout", rows, dryRun, t -> dout = t);
        n += net.shared("attention/tt", tt3, dryRun, t -> tt = t);
        return n;
    }

    @Override
    void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        Backend be = net.be();
        int batch = net.batch();
        Tensor x = in[0].v;
        query.forward(x, q);
        key.forward(x, k);
        value.forward(x, vals);
        be.headsABt(q, k, probs, scale, batch, heads, tokens, headDim);
        be.softmaxRows(probs, tokens);
        Tensor p = probs;
        probsMask = mask(probsSite, masks);
        if (probsMask != null) {
            be.copy(probs, dropped);
            be.multiplyInPlace(dropped, probsMask);
            p = dropped;
        }
        be.headsPB(p, vals, o, 1.0, false, batch, heads, tokens, headDim);
        out.forward(o, v);
        drop(v, mask(outSite, masks));
    }

    @Override
    void backward(boolean evaluation, Map<String, Tensor> masks) {
        Backend be = net.be();
        int batch = net.batch();
        drop(g, mask(outSite, masks));
        for (Linear l : projections) {
            be.zero(l.w.grad());
            be.zero(l.b.grad());
        }
        Tensor x = in[0].v;
        Tensor p = probsMask != null ? dropped : probs;
        out.backward(o, g, dout, false);
        be.headsPB(p, dout, dv, 1.0, true, batch, heads, tokens, headDim);     // dV = Pᵀ·dO
        be.headsABt(dout, vals, dp, 1.0, batch, heads, tokens, headDim);       // dP = dO·Vᵀ
        if (probsMask != null) {
            be.multiplyInPlace(dp, probsMask);
        }
        // softmax backward: dS = P ⊙ (dP − Σ dP ⊙ P), on rows of T
        be.softmaxBackward(dp, probs, tt, tokens);
        // dQ = scale·dS·K, dK = scale·dSᵀ·Q
        be.headsPB(dp, k, dq, scale, false, batch, heads, tokens, headDim);
        be.headsPB(dp, q, dk, scale, true, batch, heads, tokens, headDim);
        Tensor dx = net.take(in[0]);
        query.backward(x, dq, dx, false);
        key.backward(x, dk, dx, true);
        value.backward(x, dv, dx, true);
        net.deliver(in[0], dx);
    }
}
