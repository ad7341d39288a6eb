package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CpuBackend#zero}: a whole array through one memset, a view (a row at an offset) through
 * ND4J; each zeroes exactly its own elements and nothing beside them (the first memset version
 * wrote a row view's zeros outside the array).
 */
class ZeroTest {

    @Test
    void zeroesExactlyItsOwnElements() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            try (CpuBackend be = new CpuBackend(t)) {
                INDArray whole = Nd4j.ones(t, 3, 4);
                be.zero(CpuBackend.wrap(whole));
                assertEquals(0.0, whole.sumNumber().doubleValue(), t + " whole array");
                INDArray x = Nd4j.ones(t, 4, 5);
                INDArray row = x.getRow(2);
                be.zero(CpuBackend.wrap(row));
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 5; c++) {
                        assertEquals(r == 2 ? 0.0 : 1.0, x.getDouble(r, c), t + " element " + r + "," + c);
                    }
                }
            }
        }
    }
}
