package org.gradreg.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.trainer.nn.VitConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Models by name: full-size parameter counts against the architectures' published or hand-derived counts; bad specs. */
class ModelsTest {

    /** Conv k×k from a to b without bias, then batch norm (γ, β). */
    private static long convBn(long k, long a, long b) {
        return k * k * a * b + 2 * b;
    }

    @Test
    void fullSizeParameterCounts() {
        // ResNet-18 on CIFAR-10 (conv without bias, BN γ/β, fc with bias): 11,173,962, as the reference implementations print
        assertEquals(11_173_962L, Engines.build("resnet18", 10, DataType.FLOAT, 0).parameterCount());
        // WRN-28-10 on CIFAR-10: 36,479,194 as published with the reference implementation
        assertEquals(36_479_194L, Engines.build("wrn-28-10", 10, DataType.FLOAT, 0).parameterCount());
        // VGG16-BN (13 conv-BN layers, no conv bias, fc 512 -> 10)
        long[] cfg = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
        long vgg = 0;
        long in = 3;
        for (long c : cfg) {
            vgg += convBn(3, in, c);
            in = c;
        }
        vgg += 512 * 10 + 10;
        assertEquals(vgg, Engines.build("vgg16-bn", 10, DataType.FLOAT, 0).parameterCount());
        // ViT-Ti: embedding, CLS, positions (65 tokens), 12 pre-LN blocks, final LN, head
        long d = 192;
        long mlp = 768;
        long block = 2 * 2 * d + 4 * (d * d + d) + (d * mlp + mlp) + (mlp * d + d);
        long vit = (48 * d + d) + d + 65 * d + 12 * block + 2 * d + (d * 10 + 10);
        assertEquals(vit, Engines.build("vit-ti", 10, DataType.FLOAT, 0).parameterCount());
        // the small CNN on Fashion-MNIST (1x28x28): conv 1->32, 32->32, pool, 32->64, 64->64, pool, fc 64*7*7 -> 10
        long cnn = convBn(3, 1, 32) + convBn(3, 32, 32) + convBn(3, 32, 64) + convBn(3, 64, 64) + 64 * 7 * 7 * 10 + 10;
        assertEquals(96_554L, cnn);
        assertEquals(cnn, Engines.build("cnn-small", 1, 28, 10, DataType.FLOAT, 0).parameterCount());
    }

    @Test
    void badSpecsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Engines.build("resnet50", 10, DataType.FLOAT, 0));
        assertTrue(e.getMessage().contains("resnet50") && e.getMessage().contains("resnet18"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Engines.build("wrn-28-10:depth=27", 10, DataType.FLOAT, 0));
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Engines.build("resnet18:heads=2", 10, DataType.FLOAT, 0));
        assertTrue(e.getMessage().contains("heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("vit-ti:hiden=3", 3, 32));
        assertEquals("model 'vit-ti:hiden=3': unknown vit-ti override 'hiden'; known: "
                + "[attn_dropout, dropout, eps, heads, hidden, image, layers, mlp, patch, zero_head]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("vit-nano:patch=5", 3, 32));
        assertEquals("model 'vit-nano:patch=5': image size 32 is not a multiple of the patch size 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("vgg16-bn", 1, 28));
        assertTrue(e.getMessage().startsWith("model 'vgg16-bn': ") && e.getMessage().contains("28"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("resnet18:width=0", 3, 32));
        assertEquals("model 'resnet18:width=0': resnet18: width=0 is out of range; width must be in [1, inf)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("resnet18:width=4294967297", 3, 32).engine(2, new org.gradreg.trainer.compute.CpuBackend(DataType.FLOAT), 0));
        assertEquals("resnet18: width=4294967297 is too large", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("vit-s:layers=1.5", 3, 32));
        assertEquals("model 'vit-s:layers=1.5': vit-s: layers=1.5 is not a whole number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.parse("Resnet-18", 3, 32));
        assertEquals("unknown model 'Resnet-18'; known: [cnn-small, linear, resnet18, vgg16-bn, vit-b, vit-micro, vit-nano, vit-s, vit-ti, wrn-28-10]",
                e.getMessage());
    }

    /** A ViT takes the data's channels and image side unless the spec overrides the side; the other keys default to the entry's size. */
    @Test
    void vitConfigurationsComeFromTheEntryAndTheData() {
        VitConfig ti = Models.vitConfig("vit-ti", 1, 28);
        assertEquals(new VitConfig(28, 4, 1, 192, 768, 3, 12, 0.1, 0.1, 1e-6, true), ti);
        assertEquals(new VitConfig(16, 8, 3, 8, 64, 2, 2, 0.0, 0.0, 1e-6, false),
                Models.vitConfig("VIT-MICRO:image=16,hidden=8,zero_head=0", 3, 32));
        assertEquals(null, Models.vitConfig("resnet18", 3, 32));
    }
}
