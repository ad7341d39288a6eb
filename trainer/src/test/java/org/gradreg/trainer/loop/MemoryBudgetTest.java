package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.model.Engines;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class MemoryBudgetTest {

    /** ViT-Ti's activation estimate against a count written out here from the layer shapes. */
    @Test
    void vitTiActivationEstimateFollowsTheLayerShapes() {
        Engine e = Engines.build("vit-ti", 10, DataType.FLOAT, 1);
        long b = 32;
        long t = 65;
        long n = b * t;
        long d = 192;
        long m = 768;
        long tt = b * 3 * t * t;
        // per block: ln1 (y, x̂), q, k, v, o, u, ln2 (y, x̂), the block's output = 10·N·D; mlp1's output, GELU's Φ and
        // output = 3·N·M; P and dropped P; the two layer norms' 1/σ (N each)
        long blocks = 12 * (10 * n * d + 3 * n * m + 2 * tt + 2 * n);
        // the patches; the embedding's output and [T, D] term; the branch output that attention and MLP share; attention's
        // backward scratch, shared by the blocks (dq, dk, dv, dout: 4·N·D; dP and a [B·H, T, T] scratch); the CLS token,
        // the final layer norm (y, x̂, 1/σ), the logits and the target
        long once = n * 48 + n * d + t * d + n * d + 4 * n * d + 2 * tt + b * d + 2 * b * d + b + 2 * b * 10;
        // the gradient pool: six buffers of the largest layer output, an MLP hidden [N, M]
        long pool = 6 * n * m;
        long masks = n * d + 12 * (tt + 2 * n * d + n * m);
        assertEquals(4 * (blocks + once + pool + masks), e.activationBytes(32));
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedWithTheAccumulateThatDoes() {
        Engine e = Engines.build("vit-ti", 10, DataType.FLOAT, 1);
        long need256 = MemoryBudget.estimate(e, 256);
        long need64 = MemoryBudget.estimate(e, 64);
        assertTrue(need256 > need64);
        long available = (need64 + MemoryBudget.estimate(e, 128)) / 2; // 64 fits, 128 does not
        BadInput x = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 256, 1, available));
        assertTrue(x.getMessage().startsWith("batch 256 of vit-ti needs about"), x.getMessage());
        assertTrue(x.getMessage().contains("use --accumulate 4 (micro-batches of 64"), x.getMessage());
        assertDoesNotThrow(() -> MemoryBudget.check(e, 256, 4, available));
        assertDoesNotThrow(() -> MemoryBudget.check(e, 256, 1, -1)); // unknown: no check
    }

    @Test
    void anEvaluationBatchThatDoesNotFitIsRefusedWithTheEvalBatchThatDoes() {
        Engine e = Engines.build("vit-ti", 10, DataType.FLOAT, 1);
        long available = (MemoryBudget.estimate(e, 500) + MemoryBudget.estimate(e, 1000)) / 2; // 500 fits, 1000 does not
        BadInput x = assertThrows(BadInput.class, () -> MemoryBudget.checkEvaluation(e, 32, 2000, available));
        assertTrue(x.getMessage().startsWith("evaluation batch 2000 of vit-ti needs about"), x.getMessage());
        assertTrue(x.getMessage().contains("use --eval-batch 500 "), x.getMessage());
        assertDoesNotThrow(() -> MemoryBudget.checkEvaluation(e, 32, 500, available));
        assertDoesNotThrow(() -> MemoryBudget.checkEvaluation(e, 32, 0, available)); // the training batch: checked by check()
        assertDoesNotThrow(() -> MemoryBudget.checkEvaluation(e, 32, 2000, -1)); // unknown: no check
    }
}
