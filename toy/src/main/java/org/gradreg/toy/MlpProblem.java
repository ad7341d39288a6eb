package org.gradreg.toy;

import java.util.SplittableRandom;
import org.gradreg.optim.VectorFunction;

/**
 * A small learning problem with a real train/test gap, in plain double arithmetic: a tanh MLP
 * (inputs → hidden → hidden → classes) with softmax cross-entropy on a full batch of a synthetic
 * classification set. Each class is a mixture of two Gaussian clusters in {@code inputs}
 * dimensions (centres at distance ~2.2, unit spread) and 10% of the training labels are flipped,
 * so 200 training points can be memorised while the test error stays well above zero. Parameters
 * are one flat vector: W₁ (in×h, row-major), b₁, W₂ (h×h), b₂, W₃ (h×C), b₃.
 */
public final class MlpProblem implements VectorFunction {

    public final int inputs;
    public final int hidden;
    public final int classes;
    final double[][] trainX;
    final int[] trainY;
    final double[][] testX;
    final int[] testY;

    private String description = "";

    /** What this problem is, for summaries that must name their data (issue 22 item 17). */
    public String description() {
        return description;
    }

    private MlpProblem(int inputs, int hidden, int classes, double[][] trainX, int[] trainY, double[][] testX, int[] testY) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        this.trainX = trainX;
        this.trainY = trainY;
        this.testX = testX;
        this.testY = testY;
    }

    /** The default problem: 10 inputs, 3 classes, hidden 24, 200 training and 2000 test points. */
    public static MlpProblem standard(long dataSeed) {
        return generate(10, 24, 3, 200, 2000, 0.1, dataSeed);
    }

    public static MlpProblem generate(int inputs, int hidden, int classes, int train, int test, double labelNoise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][][] centres = new double[classes][2][inputs];
        for (double[][] c : centres) {
            for (double[] m : c) {
                for (int i = 0; i < inputs; i++) {
                    m[i] = 0.7 * r.nextGaussian();
                }
            }
        }
        double[][] trX = new double[train][];
        int[] trY = new int[train];
        double[][] teX = new double[test][];
        int[] teY = new int[test];
        for (int n = 0; n < train + test; n++) {
            int y = r.nextInt(classes);
            double[] m = centres[y][r.nextInt(2)];
            double[] x = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                x[i] = m[i] + r.nextGaussian();
            }
            if (n < train) {
                trX[n] = x;
                trY[n] = r.nextDouble() < labelNoise ? r.nextInt(classes) : y;
            } else {
                teX[n - train] = x;
                teY[n - train] = y;
            }
        }
        MlpProblem p = new MlpProblem(inputs, hidden, classes, trX, trY, teX, teY);
        p.description = String.format(java.util.Locale.ROOT, "data: synthetic (MlpProblem, data seed %d), %d classes, each a mixture of two "
                + "Gaussian clusters in %d dimensions; %d training points with %.0f%% of their labels flipped, %d test points; model: a tanh "
                + "MLP %d-%d-%d-%d, full-batch", seed, classes, inputs, train, 100 * labelNoise, test, inputs, hidden, hidden, classes);
        return p;
    }

    public int parameters() {
        return inputs * hidden + hidden + hidden * hidden + hidden + hidden * classes + classes;
    }

    /** Glorot-uniform weights, zero biases, from {@code seed}. */
    public double[] init(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] t = new double[parameters()];
        int o = 0;
        o = glorot(t, o, inputs, hidden, r);
        o += hidden;
        o = glorot(t, o, hidden, hidden, r);
        o += hidden;
        glorot(t, o, hidden, classes, r);
        return t;
    }

    private static int glorot(double[] t, int o, int in, int out, SplittableRandom r) {
        double a = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) {
            t[o + i] = a * (2 * r.nextDouble() - 1);
        }
        return o + in * out;
    }

    @Override
    public double value(double[] theta) {
        return lossAndGradient(theta, null);
    }

    @Override
    public double[] gradient(double[] theta) {
        double[] g = new double[theta.length];
        lossAndGradient(theta, g);
        return g;
    }

    /** Mean training cross-entropy; the gradient is written into {@code grad} when not null. */
    double lossAndGradient(double[] th, double[] grad) {
        int h = hidden;
        int c = classes;
        int w1 = 0;
        int b1 = w1 + inputs * h;
        int w2 = b1 + h;
        int b2 = w2 + h * h;
        int w3 = b2 + h;
        int b3 = w3 + h * c;
        int n = trainX.length;
        double loss = 0;
        double[] a1 = new double[h];
        double[] a2 = new double[h];
        double[] z = new double[c];
        double[] d2 = new double[h];
        double[] d1 = new double[h];
        for (int s = 0; s < n; s++) {
            double[] x = trainX[s];
            forward(th, x, a1, a2, z);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                z[k] = Math.exp(z[k] - max);
                sum += z[k];
            }
            loss -= Math.log(z[trainY[s]] / sum) / n;
            if (grad == null) {
                continue;
            }
            // dL/dlogits = (p − onehot)/n
            for (int k = 0; k < c; k++) {
                z[k] = (z[k] / sum - (k == trainY[s] ? 1 : 0)) / n;
            }
            java.util.Arrays.fill(d2, 0);
            for (int j = 0; j < h; j++) {
                for (int k = 0; k < c; k++) {
                    grad[w3 + j * c + k] += a2[j] * z[k];
                    d2[j] += th[w3 + j * c + k] * z[k];
                }
                d2[j] *= 1 - a2[j] * a2[j];
            }
            for (int k = 0; k < c; k++) {
                grad[b3 + k] += z[k];
            }
            java.util.Arrays.fill(d1, 0);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < h; j++) {
                    grad[w2 + i * h + j] += a1[i] * d2[j];
                    d1[i] += th[w2 + i * h + j] * d2[j];
                }
                d1[i] *= 1 - a1[i] * a1[i];
                grad[b2 + i] += d2[i];
            }
            for (int i = 0; i < inputs; i++) {
                for (int j = 0; j < h; j++) {
                    grad[w1 + i * h + j] += x[i] * d1[j];
                }
            }
            for (int j = 0; j < h; j++) {
                grad[b1 + j] += d1[j];
            }
        }
        return loss;
    }

    private void forward(double[] th, double[] x, double[] a1, double[] a2, double[] z) {
        int h = hidden;
        int c = classes;
        int b1 = inputs * h;
        int w2 = b1 + h;
        int b2 = w2 + h * h;
        int w3 = b2 + h;
        int b3 = w3 + h * c;
        for (int j = 0; j < h; j++) {
            double s = th[b1 + j];
            for (int i = 0; i < inputs; i++) {
                s += x[i] * th[i * h + j];
            }
            a1[j] = Math.tanh(s);
        }
        for (int j = 0; j < h; j++) {
            double s = th[b2 + j];
            for (int i = 0; i < h; i++) {
                s += a1[i] * th[w2 + i * h + j];
            }
            a2[j] = Math.tanh(s);
        }
        for (int k = 0; k < c; k++) {
            double s = th[b3 + k];
            for (int j = 0; j < h; j++) {
                s += a2[j] * th[w3 + j * c + k];
            }
            z[k] = s;
        }
    }

    public double trainError(double[] theta) {
        return error(theta, trainX, trainY);
    }

    public double testError(double[] theta) {
        return error(theta, testX, testY);
    }

    private double error(double[] th, double[][] xs, int[] ys) {
        double[] a1 = new double[hidden];
        double[] a2 = new double[hidden];
        double[] z = new double[classes];
        int wrong = 0;
        for (int s = 0; s < xs.length; s++) {
            forward(th, xs[s], a1, a2, z);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (z[k] > z[best]) {
                    best = k;
                }
            }
            if (best != ys[s]) {
                wrong++;
            }
        }
        return (double) wrong / xs.length;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "MLP %d-%d-%d-%d (tanh, %d parameters) on %d train / %d test points, 10%% train label noise",
                inputs, hidden, hidden, classes, parameters(), trainX.length, testX.length);
    }
}
