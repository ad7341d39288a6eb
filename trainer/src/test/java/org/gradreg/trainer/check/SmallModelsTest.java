package org.gradreg.trainer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.gradreg.common.registry.Entry;
import org.gradreg.trainer.model.ModelFactory;
import org.gradreg.trainer.model.Models;
import org.junit.jupiter.api.Test;

/**
 * The device check's models ({@link DeviceCheck#smallModels()}) cover the model registry, so that a
 * model added to {@link Models#REGISTRY} cannot go unchecked on a GPU: every architecture that is
 * not a ViT by name, and the ViT engine (its registry entries differ only in their sizes) at least
 * once. Each listed spec is valid at the image side it is listed with.
 */
class SmallModelsTest {

    @Test
    void theDeviceCheckCoversEveryRegisteredArchitecture() {
        Set<String> checked = new TreeSet<>();
        boolean vit = false;
        for (String[] m : DeviceCheck.smallModels()) {
            Models.Model parsed = Models.parse(m[0], 3, Integer.parseInt(m[1]));
            checked.add(parsed.name());
            vit |= parsed.vit() != null;
        }
        assertTrue(vit, "no ViT among " + checked);
        Set<String> missing = new TreeSet<>();
        for (Entry<ModelFactory> e : Models.REGISTRY.entries()) {
            if (!checked.contains(e.name()) && !isVit(e)) {
                missing.add(e.name());
            }
        }
        assertEquals(Set.of(), missing, "models of the registry that DeviceCheck.smallModels() leaves out (add a small spec of each)");
    }

    private static boolean isVit(Entry<ModelFactory> e) {
        String spec = e.example().isEmpty() ? e.name() : e.name() + ":" + e.example();
        for (int image : List.of(8, 16, 32)) {
            try {
                return Models.parse(spec, 3, image).vit() != null;
            } catch (IllegalArgumentException tooSmall) {
                // the next size
            }
        }
        throw new AssertionError("model " + spec + " accepts none of 8x8, 16x16, 32x32");
    }
}
