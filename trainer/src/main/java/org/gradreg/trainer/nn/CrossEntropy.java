package org.gradreg.trainer.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Mean over the batch of −Σ target·log softmax(logits), and its gradient (softmax − target)/B. */
final class CrossEntropy {

    private CrossEntropy() {
    }

    /** The loss; writes the gradient with respect to the logits into {@code dlogits} unless it is null. */
    static double lossAndGradient(INDArray logits, INDArray target, INDArray dlogits) {
        long b = logits.size(0);
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray e = Transforms.exp(shifted, true);
        INDArray sum = e.sum(true, 1);
        INDArray logp = shifted.subiColumnVector(Transforms.log(sum, true));
        double loss = -logp.muli(target).sumNumber().doubleValue() / b;
        if (dlogits != null) {
            dlogits.assign(e.diviColumnVector(sum)).subi(target).divi(b);
        }
        return loss;
    }
}
