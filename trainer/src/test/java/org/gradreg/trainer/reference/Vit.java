package org.gradreg.trainer.reference;

import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.VitConfig;

import java.util.List;
import org.gradreg.trainer.data.Batch;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViT graph. All dense layers run on 2-D [B·T, D] arrays (ND4J's rank-3 matmul is a serial
 * loop of small GEMMs); only the attention products are batched over B·heads. The input is the
 * batch already cut into patches, one row per token with an all-zero row where the CLS token goes,
 * so the embedding is a single 2-D GEMM and the CLS token, patch bias and position embedding enter
 * as one [T, D] term (no dynamic-shape concatenation in the graph).
 */
public final class Vit {

    private Vit() {
    }

    public static Network build(String name, VitConfig c, int classes, DataType type, long seed) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, type, seed);
        int t = c.tokens();
        int d = c.hidden();
        int pd = c.patchDim();
        SDVariable in = sd.placeHolder(Network.INPUT, type, -1, pd);
        SDVariable target = sd.placeHolder(Network.TARGET, type, -1, classes);

        // token embedding: patches·W (CLS rows of the input are zero) + [T, D] term
        SDVariable wp = l.xavier("embed/kernel", pd, d, pd, d);
        SDVariable bp = l.zeros("embed/bias", 1, d);
        SDVariable cls = l.zeros("cls", 1, d);
        SDVariable pos = l.normal("pos_embedding", 0.02, t, d);
        INDArray isCls = Nd4j.zeros(type, t, 1);
        isCls.putScalar(0, 0, 1.0);
        INDArray isPatch = Nd4j.ones(type, t, 1);
        isPatch.putScalar(0, 0, 0.0);
        SDVariable tokenTerm = l.constant("is_patch", isPatch).mmul(bp).add(l.constant("is_cls", isCls).mmul(cls)).add(pos);
        SDVariable x = in.mmul(wp).reshape(-1, t, d).add(tokenTerm).reshape(-1, d);
        x = l.dropout("dropout/embed", x, c.dropout(), b -> new long[] {(long) b * t, d});

        for (int i = 0; i < c.layers(); i++) {
            String p = "block" + i;
            SDVariable y = l.layerNorm(p + "/ln1", x, d, c.eps());
            y = attention(l, p + "/attn", y, c);
            y = l.dropout("dropout/" + p + "/attn_out", y, c.dropout(), b -> new long[] {(long) b * t, d});
            x = x.add(y);
            y = l.layerNorm(p + "/ln2", x, d, c.eps());
            y = l.dense(p + "/mlp1", y, d, c.mlp(), false);
            y = l.gelu(y);
            y = l.dropout("dropout/" + p + "/mlp_hidden", y, c.dropout(), b -> new long[] {(long) b * t, c.mlp()});
            y = l.dense(p + "/mlp2", y, c.mlp(), d, false);
            y = l.dropout("dropout/" + p + "/mlp_out", y, c.dropout(), b -> new long[] {(long) b * t, d});
            x = x.add(y);
        }
        // CLS token of each example: the first D columns of [B, T·D]
        SDVariable clsOut = x.reshape(-1, (long) t * d).get(SDIndex.all(), SDIndex.interval(0, d));
        clsOut = l.layerNorm("final_ln", clsOut, d, c.eps());
        SDVariable logits = l.dense("head", clsOut, d, classes, c.zeroHead()).rename(Network.LOGITS);
        crossEntropy(l, logits, target);
        return new Network(name, sd, type, classes, List.copyOf(l.trainable()), List.copyOf(l.dropoutSites()), List.of(),
                (batch, dt) -> org.gradreg.trainer.nn.Architectures.patchify(batch, c, dt), c.toString());
    }

    /** Multi-head self-attention on [B·T, D]; q, k, v and output projections are 2-D GEMMs. */
    static SDVariable attention(Layers l, String p, SDVariable x, VitConfig c) {
        int t = c.tokens();
        int d = c.hidden();
        int h = c.heads();
        int dh = d / h;
        SDVariable q = heads(l.dense(p + "/query", x, d, d, false).mul(1 / Math.sqrt(dh)), t, h, dh);
        SDVariable k = heads(l.dense(p + "/key", x, d, d, false), t, h, dh);
        SDVariable v = heads(l.dense(p + "/value", x, d, d, false), t, h, dh);
        SDVariable scores = l.sd().mmul(q, k, false, true, false); // [B·H, T, T]
        SDVariable probs = l.softmax(scores, 2);
        probs = l.dropout("dropout/" + p + "/probs", probs, c.attentionDropout(), b -> new long[] {(long) b * h, t, t});
        SDVariable o = probs.mmul(v); // [B·H, T, dh]
        o = o.reshape(-1, h, t, dh).permute(0, 2, 1, 3).reshape(-1, d);
        return l.dense(p + "/out", o, d, d, false);
    }

    /** [B·T, D] → [B·H, T, dh]. */
    private static SDVariable heads(SDVariable x, int t, int h, int dh) {
        return x.reshape(-1, t, h, dh).permute(0, 2, 1, 3).reshape(-1, t, dh);
    }

    /** Mean over the batch of −Σ target·log softmax(logits), named {@value Network#LOSS}. */
    static SDVariable crossEntropy(Layers l, SDVariable logits, SDVariable target) {
        SDVariable logp = l.logSoftmax(logits, 1);
        SDVariable loss = l.sd().math().neg(logp.mul(target).sum(1)).mean(Network.LOSS);
        // explicit: batch-norm statistics are further leaves, so SameDiff cannot infer the loss
        l.sd().setLossVariables(Network.LOSS);
        return loss;
    }

}
