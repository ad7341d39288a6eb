package org.gradreg.trainer.reference;

import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** How a model wants a batch of NCHW images as its input array. */
@FunctionalInterface
public interface InputLayout {

    INDArray apply(Batch batch, DataType type);
}
