package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.trainer.model.Models;
import org.junit.jupiter.api.Test;

/**
 * The background warm-up compiles the Winograd kernels only for models that have 3×3 convolutions:
 * a FLOAT ViT or linear run records {@code model.conv = winograd} by default but never calls them,
 * and the warm-up would take a core from its first steps.
 */
class WarmUpChoiceTest {

    @Test
    void onlyConvolutionalModelsWarmUpWinograd() {
        for (String spec : new String[] {"cnn-small", "resnet18:width=4,blocks=1", "wrn-28-10:depth=10,widen=1", "vgg16-bn:width=2"}) {
            int image = spec.startsWith("cnn") ? 28 : 32;
            int channels = spec.startsWith("cnn") ? 1 : 3;
            Models.Model m = Models.parse(spec, channels, image);
            assertEquals("winograd", Trainer.warmUpConvolutions(m, "winograd"), spec);
            assertEquals("im2col", Trainer.warmUpConvolutions(m, "im2col"), spec);
        }
        for (String spec : new String[] {"vit-nano", "vit-ti", "linear"}) {
            Models.Model m = Models.parse(spec, 3, 32);
            assertEquals("im2col", Trainer.warmUpConvolutions(m, "winograd"), spec + " has no 3×3 convolution");
            assertFalse(Models.hasConvolutions(spec), spec);
        }
        assertTrue(Models.hasConvolutions("cnn-small:width=8") && Models.hasConvolutions("resnet18"), "the name counts, not the overrides");
        assertFalse(Models.hasConvolutions("vit-ti:patch=7,hidden=12"), "a ViT with overrides");
        assertTrue(Models.hasConvolutions("no-such-model"), "an unknown name counts as convolutional (the plan reports it)");
    }
}
