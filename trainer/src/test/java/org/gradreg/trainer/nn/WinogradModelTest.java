package org.gradreg.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Pass;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.model.Engines;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whole convolutional models in FLOAT with the Winograd convolutions ({@code model.conv=winograd})
 * against the same models with im2col, from the same seed and batch: loss and every parameter's
 * gradient agree to FLOAT rounding (relative 1e-4 of the gradient's largest entry), and differ in
 * their last bits (so the Winograd path did run). The per-convolution checks against the definition
 * are WinogradTest's; this one is about the layers around it (views, offsets, batch norm, residuals).
 */
class WinogradModelTest {

    private static Evaluation evaluate(String spec, int image, String conv, Batch b) {
        String old = System.getProperty("gradreg.conv");
        System.setProperty("gradreg.conv", conv); // read when the backend is made
        try {
            ModelOracle o = new ModelOracle(Engines.build(spec, 3, image, 10, DataType.FLOAT, 11));
            o.setBatch(b, 0.0, 3);
            return o.evaluate(Pass.PRIMARY);
        } finally {
            if (old == null) {
                System.clearProperty("gradreg.conv");
            } else {
                System.setProperty("gradreg.conv", old);
            }
        }
    }

    @Test
    void modelsGiveTheIm2colLossAndGradientsToFloatRounding() {
        String[] specs = {"resnet18:width=8,blocks=1", "wrn-28-10:depth=10,widen=1,dropout=0", "cnn-small:width=8", "vgg16-bn:width=8"};
        int[] images = {16, 16, 16, 32};
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            Batch b = Fixtures.batch(6, images[i], 10, 5);
            Evaluation im2col = evaluate(spec, images[i], "im2col", b);
            Evaluation wino = evaluate(spec, images[i], "winograd", b);
            assertEquals(im2col.loss(), wino.loss(), 1e-4 * Math.abs(im2col.loss()), spec + " loss");
            boolean differ = false;
            for (String k : im2col.gradient().names()) {
                INDArray g = im2col.gradient().get(k);
                INDArray w = wino.gradient().get(k);
                double scale = Math.max(1e-6, g.amaxNumber().doubleValue());
                double err = g.sub(w).amaxNumber().doubleValue();
                assertTrue(err <= 1e-4 * scale, spec + " " + k + ": |Δ| " + err + " against max |g| " + scale);
                differ |= err > 0;
            }
            assertTrue(differ, spec + ": the Winograd run rounds differently somewhere (else it did not run)");
            assertFalse(Double.isNaN(wino.loss()), spec);
        }
    }
}
