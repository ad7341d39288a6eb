package org.gradreg.trainer.nn;

import java.util.Map;
import org.gradreg.trainer.data.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dropout masks of one pass, in one of two forms. Every pass of an optimizer step (SAM/GR's
 * perturbed pass, GNR's HVP passes) is given the same value, so all see identical masks.
 * <ul>
 *   <li>{@link Host}: masks as host arrays by site (drawn by the caller; on a GPU they are copied to
 *       the device before the pass);</li>
 *   <li>{@link Drawn}: a seed; each site's mask is drawn where the model runs by the counter-based
 *       generator {@link org.gradreg.trainer.compute.DropoutHash} from {@link #siteSeed}, so the CPU
 *       and the GPU draw the same masks and nothing crosses the bus.</li>
 * </ul>
 */
public sealed interface Dropout permits Dropout.Host, Dropout.Drawn {

    /** No dropout. */
    Dropout NONE = new Host(Map.of());

    /** Masks by {@link DropoutSite#placeholder()}; a site missing from the map has no dropout. */
    record Host(Map<String, INDArray> masks) implements Dropout {
        public Host {
            masks = masks == null ? Map.of() : masks;
        }
    }

    /** Masks drawn from {@code seed}: site i (in {@link Engine#dropoutSites()} order) from {@link #siteSeed}(seed, i). */
    record Drawn(long seed) implements Dropout {
    }

    /** The seed of site i's mask: the same mixing as the host masks' per-site seeds. */
    static long siteSeed(long seed, int site) {
        return Batches.mix(seed, 0xD50L, site);
    }
}
