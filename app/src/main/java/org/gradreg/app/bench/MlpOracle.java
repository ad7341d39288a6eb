package org.gradreg.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A ReLU multilayer perceptron with softmax cross-entropy, forward and backward written with
 * ND4J matrix ops, as an {@link Oracle} over mini-batches of a fixed data set. The batch changes
 * only on {@link #nextBatch()}, so every evaluation of one optimizer step sees the same data.
 */
public final class MlpOracle implements Oracle {

    private final int[] sizes;
    private final Params params;
    private final INDArray x;
    private final INDArray yOneHot;
    private final int batch;
    private final SplittableRandom rng;
    private INDArray bx;
    private INDArray by;

    /**
     * @param sizes layer widths, input first and classes last, e.g. {512, 1024, 512, 10}
     * @param x     inputs [n, sizes[0]]
     * @param labels class indices in [0, classes)
     */
    public MlpOracle(int[] sizes, INDArray x, int[] labels, int batch, long seed) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes");
        }
        if (x.rows() != labels.length || x.columns() != sizes[0]) {
            throw new IllegalArgumentException("inputs " + java.util.Arrays.toString(x.shape()) + " do not match "
                    + labels.length + " labels and input size " + sizes[0]);
        }
        this.sizes = sizes.clone();
        this.x = x;
        this.batch = Math.min(batch, labels.length);
        this.rng = new SplittableRandom(seed);
        int classes = sizes[sizes.length - 1];
        this.yOneHot = Nd4j.zeros(x.dataType(), labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            yOneHot.putScalar(i, labels[i], 1.0);
        }
        Map<String, INDArray> p = new LinkedHashMap<>();
        // He initialisation from a Java stream: ND4J's native randn did not repeat across runs here
        SplittableRandom init = new SplittableRandom(seed ^ 0x1417);
        for (int l = 0; l + 1 < sizes.length; l++) {
            double scale = Math.sqrt(2.0 / sizes[l]);
            double[][] w = new double[sizes[l]][sizes[l + 1]];
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = scale * Math.sqrt(-2 * Math.log(1 - init.nextDouble())) * Math.cos(2 * Math.PI * init.nextDouble());
                }
            }
            p.put("W" + l, Nd4j.createFromArray(w).castTo(x.dataType()));
            p.put("b" + l, Nd4j.zeros(x.dataType(), 1, sizes[l + 1]));
        }
        this.params = Params.of(p);
        nextBatch();
    }

    /** Number of parameters of an MLP with these sizes. */
    public static long parameterCount(int[] sizes) {
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return n;
    }

    /** Draws the next mini-batch (with replacement across batches, seeded). */
    public void nextBatch() {
        long[] idx = new long[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = rng.nextInt(x.rows());
        }
        bx = x.getRows(toInt(idx));
        by = yOneHot.getRows(toInt(idx));
    }

    private static int[] toInt(long[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (int) a[i];
        }
        return r;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        int layers = sizes.length - 1;
        INDArray[] acts = new INDArray[layers + 1];
        acts[0] = bx;
        for (int l = 0; l < layers; l++) {
            INDArray z = acts[l].mmul(params.get("W" + l)).addiRowVector(params.get("b" + l));
            acts[l + 1] = l + 1 < layers ? Transforms.relu(z, false) : z;
        }
        INDArray logits = acts[layers];
        INDArray probs = softmax(logits);
        int n = (int) bx.rows();
        double loss = -Transforms.log(probs.add(1e-30), false).muli(by).sumNumber().doubleValue() / n;
        Map<String, INDArray> g = new LinkedHashMap<>();
        INDArray delta = probs.subi(by).divi(n);
        for (int l = layers - 1; l >= 0; l--) {
            // the product of a transposed view comes out in 'f' order; hand the optimizer 'c' like the weights
            g.put("W" + l, acts[l].transpose().mmul(delta).dup('c'));
            g.put("b" + l, delta.sum(true, 0));
            if (l > 0) {
                INDArray back = delta.mmul(params.get("W" + l).transpose());
                delta = back.muli(acts[l].gt(0).castTo(back.dataType()));
            }
        }
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : params.names()) {
            ordered.put(name, g.get(name));
        }
        return new Evaluation(loss, Params.of(ordered));
    }

    private static INDArray softmax(INDArray logits) {
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(true, 1));
    }

    /** Mean cross-entropy and top-1 error on a data set (no parameter change). */
    public double[] lossAndError(INDArray xs, int[] labels) {
        int layers = sizes.length - 1;
        INDArray a = xs;
        for (int l = 0; l < layers; l++) {
            INDArray z = a.mmul(params.get("W" + l)).addiRowVector(params.get("b" + l));
            a = l + 1 < layers ? Transforms.relu(z, false) : z;
        }
        INDArray probs = softmax(a);
        INDArray pred = probs.argMax(1);
        double loss = 0;
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            loss -= Math.log(Math.max(probs.getDouble(i, labels[i]), 1e-30));
            if (pred.getInt(i) != labels[i]) {
                wrong++;
            }
        }
        return new double[] {loss / labels.length, (double) wrong / labels.length};
    }

    @Override
    public String toString() {
        return "MlpOracle" + java.util.Arrays.toString(sizes) + " batch " + batch + ", " + params.numel() + " parameters, "
                + params.dataType();
    }
}
