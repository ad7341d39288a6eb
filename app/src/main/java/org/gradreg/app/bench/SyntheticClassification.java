package org.gradreg.app.bench;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A seeded synthetic classification set: class means on a sphere in d dimensions, Gaussian noise,
 * and a fraction of flipped labels in the training split only, so that a model large enough to
 * fit the training set shows a train/test gap.
 */
public record SyntheticClassification(INDArray trainX, int[] trainY, INDArray testX, int[] testY) {

    public static SyntheticClassification generate(int dim, int classes, int nTrain, int nTest, double noise,
                                                    double labelNoise, long seed, DataType type) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] means = new double[classes][dim];
        for (double[] m : means) {
            double n = 0;
            for (int j = 0; j < dim; j++) {
                m[j] = gaussian(rnd);
                n += m[j] * m[j];
            }
            for (int j = 0; j < dim; j++) {
                m[j] *= 2.0 / Math.sqrt(n);
            }
        }
        int[] trY = new int[nTrain];
        int[] teY = new int[nTest];
        INDArray trX = sample(means, trY, noise, labelNoise, rnd, type);
        INDArray teX = sample(means, teY, noise, 0, rnd, type);
        return new SyntheticClassification(trX, trY, teX, teY);
    }

    private static INDArray sample(double[][] means, int[] labels, double noise, double labelNoise, SplittableRandom rnd, DataType type) {
        int dim = means[0].length;
        double[][] x = new double[labels.length][dim];
        for (int i = 0; i < labels.length; i++) {
            int c = rnd.nextInt(means.length);
            for (int j = 0; j < dim; j++) {
                x[i][j] = means[c][j] + noise * gaussian(rnd);
            }
            labels[i] = rnd.nextDouble() < labelNoise ? rnd.nextInt(means.length) : c;
        }
        return Nd4j.createFromArray(x).castTo(type);
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
