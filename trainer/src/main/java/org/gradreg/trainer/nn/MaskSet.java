package org.gradreg.trainer.nn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An engine's dropout masks on its backend for one pass: host masks used in place on the CPU or
 * copied into per-site device buffers on a GPU, or masks drawn on the backend from a seed
 * ({@link Dropout.Drawn}). Buffers are allocated once per batch size.
 */
final class MaskSet {

    private final Backend be;
    private final List<DropoutSite> sites;
    private final Map<String, Tensor> buffers = new HashMap<>();
    private int batch = -1;

    MaskSet(Backend be, List<DropoutSite> sites) {
        this.be = be;
        this.sites = sites;
    }

    /** The masks of a pass by site (absent: no dropout there); empty in evaluation mode. */
    Map<String, Tensor> prepare(Dropout dropout, int b, boolean evaluation) {
        Map<String, Tensor> m = new HashMap<>();
        if (evaluation || dropout == null || sites.isEmpty()) {
            return m;
        }
        if (b != batch) {
            close();
            batch = b;
        }
        if (dropout instanceof Dropout.Host h) {
            for (DropoutSite s : sites) {
                INDArray host = h.masks().get(s.placeholder());
                if (host == null) {
                    continue;
                }
                if (be.device().isCpu()) {
                    m.put(s.placeholder(), be.mirror(host));
                } else {
                    Tensor t = buffer(s);
                    be.upload(host, t);
                    m.put(s.placeholder(), t);
                }
            }
        } else if (dropout instanceof Dropout.Drawn d) {
            for (int i = 0; i < sites.size(); i++) {
                DropoutSite s = sites.get(i);
                Tensor t = buffer(s);
                be.dropoutMask(t, s.rate(), Dropout.siteSeed(d.seed(), i));
                m.put(s.placeholder(), t);
            }
        }
        return m;
    }

    private Tensor buffer(DropoutSite s) {
        return buffers.computeIfAbsent(s.placeholder(), k -> be.create(s.shape().apply(batch)));
    }

    /** Bytes of the mask buffers at this batch size (device backends; the CPU uses the host masks in place). */
    long bytes(int b) {
        long n = 0;
        for (DropoutSite s : sites) {
            n += ParamSet.size(s.shape().apply(b));
        }
        return n * be.type().width();
    }

    void close() {
        for (Tensor t : buffers.values()) {
            be.free(t);
        }
        buffers.clear();
        batch = -1;
    }
}
