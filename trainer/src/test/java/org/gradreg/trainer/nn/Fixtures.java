package org.gradreg.trainer.nn;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.SyntheticCifar;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Batches and dropout masks for the engine tests (masks from a Java stream, independent of the oracle's generator). */
final class Fixtures {

    static final int CLASSES = 5;

    private Fixtures() {
    }

    /** n synthetic images of size×size, {@link #CLASSES} classes. */
    static Batch batch(int n, int size, long seed) {
        return batch(n, size, CLASSES, seed);
    }

    /** n synthetic images of size×size, {@code classes} classes. */
    static Batch batch(int n, int size, int classes, long seed) {
        DataSplit data = SyntheticCifar.generate(64, 8, classes, size, 3);
        return Batches.training(data.train(), n, true, seed).get(0, 0);
    }

    /** Inverted-dropout masks (DOUBLE) for every dropout site of {@code e}. */
    static Map<String, INDArray> masks(Engine e, int batch, long seed) {
        Map<String, INDArray> m = new HashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (DropoutSite s : e.dropoutSites()) {
            long[] shape = s.shape().apply(batch);
            INDArray a = Nd4j.create(DataType.DOUBLE, shape);
            double keep = 1 / (1 - s.rate());
            for (long i = 0; i < a.length(); i++) {
                a.putScalar(i, r.nextDouble() < s.rate() ? 0 : keep);
            }
            m.put(s.placeholder(), a);
        }
        return m;
    }

    /**
     * Central differences (step 1e-6) of {@code e}'s loss against its analytic gradient at
     * {@code perTensor} random entries of every parameter tensor; fails naming the entry if the
     * relative error (floor 1e-4 for zero gradients) reaches 1e-5. Returns how many were checked.
     */
    static int checkGradients(Engine e, INDArray in, INDArray target, Map<String, INDArray> masks, int perTensor, String what) {
        Map<String, INDArray> grads = new HashMap<>();
        e.lossAndGradients(in, target, masks, false, false).gradients().forEach((k, v) -> grads.put(k, v.dup()));
        SplittableRandom pick = new SplittableRandom(3);
        double h = 1e-6;
        int checked = 0;
        for (Map.Entry<String, INDArray> p : e.parameters().entrySet()) {
            INDArray w = p.getValue();
            for (int k = 0; k < Math.min(perTensor, w.length()); k++) {
                long i = pick.nextLong(w.length());
                double w0 = w.getDouble(i);
                w.putScalar(i, w0 + h);
                double up = e.loss(in, target, masks, false).loss();
                w.putScalar(i, w0 - h);
                double down = e.loss(in, target, masks, false).loss();
                w.putScalar(i, w0);
                double fd = (up - down) / (2 * h);
                double an = grads.get(p.getKey()).getDouble(i);
                // relative error, with a floor for entries whose gradient is zero (e.g. a key bias: softmax ignores it)
                double err = Math.abs(fd - an) / Math.max(1e-4, Math.abs(fd) + Math.abs(an));
                org.junit.jupiter.api.Assertions.assertTrue(err < 1e-5,
                        what + " " + p.getKey() + "[" + i + "]: analytic " + an + " vs central difference " + fd);
                checked++;
            }
        }
        return checked;
    }
}
