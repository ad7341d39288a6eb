package org.gradreg.trainer.model;

import java.util.List;
import org.gradreg.common.registry.Entry;

/**
 * Every entry of the model registry at its tiny size, for the tests that check each model: the
 * entry's example spec (small widths, one block) on the smallest of 8×8, 16×16 and 32×32 images it
 * accepts. A model added to {@link Models#REGISTRY} is in these lists without editing a test.
 */
public final class TinyModels {

    private TinyModels() {
    }

    /** A registry entry at its tiny size: the spec, the image side, and whether it is a ViT. */
    public record Tiny(String spec, int image, boolean vit) {
        @Override
        public String toString() {
            return spec + " on " + image + "x" + image;
        }
    }

    /** Every registry entry at its tiny size, for {@code channels}-channel images. */
    public static List<Tiny> all(int channels) {
        return Models.REGISTRY.entries().stream().map(e -> tiny(e, channels)).toList();
    }

    /** The registry's models that are not ViTs (the convolutional nets and the linear model). */
    public static List<Tiny> notVit(int channels) {
        return all(channels).stream().filter(t -> !t.vit()).toList();
    }

    private static Tiny tiny(Entry<ModelFactory> e, int channels) {
        String spec = e.example().isEmpty() ? e.name() : e.name() + ":" + e.example();
        for (int image : new int[] {8, 16, 32}) {
            Models.Model m;
            try {
                m = Models.parse(spec, channels, image);
            } catch (IllegalArgumentException tooSmall) {
                continue; // the next size
            }
            return new Tiny(spec, image, m.vit() != null);
        }
        throw new AssertionError(spec + " accepts none of 8x8, 16x16, 32x32");
    }
}
