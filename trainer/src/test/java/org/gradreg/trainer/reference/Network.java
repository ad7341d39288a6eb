package org.gradreg.trainer.reference;

import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.VitConfig;

import java.util.List;
import org.gradreg.trainer.data.Batch;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier built in SameDiff: placeholders {@value #INPUT} (the model's input layout of a
 * batch), {@value #TARGET} ([B, classes] target distribution, label smoothing included) and one per
 * dropout site; outputs {@value #LOGITS} [B, classes] and the scalar mean cross-entropy
 * {@value #LOSS}. {@code trainable} lists the trainable variables in a fixed order;
 * {@code batchNorms} the batch-norm layers whose running statistics the oracle keeps.
 */
public record Network(String name, SameDiff sd, DataType type, int classes, List<String> trainable,
                      List<DropoutSite> dropoutSites, List<BatchNormStats> batchNorms, InputLayout layout,
                      String description) {

    public static final String INPUT = "input";
    public static final String TARGET = "target";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";

    /** The input array for a batch. */
    public INDArray input(Batch b) {
        return layout.apply(b, type);
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (String v : trainable) {
            n += sd.getVariable(v).getArr().length();
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " (" + description + "; " + parameterCount() + " parameters, " + type + ")";
    }
}
