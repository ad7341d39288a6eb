package org.gradreg.trainer.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer module's first check (models and the training loop are still to come): the ND4J
 * SameDiff path it will build on — {@code calculateGradients} without any updater, and weights
 * edited in place being seen by the next gradient call — against a softmax regression's gradient
 * written out in plain double arithmetic.
 */
class SameDiffGradientTest {

    @Test
    void softmaxRegressionGradientMatchesTheClosedFormAndSeesInPlaceEdits() {
        double[][] x = {{0.5, -1.0, 2.0}, {1.5, 0.3, -0.7}};
        int[] y = {2, 0};
        double[][] w0 = {{0.1, -0.2}, {0.05, 0.3}, {-0.4, 0.2}};
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable label = sd.placeHolder("y", DataType.DOUBLE, -1, 2);
        SDVariable w = sd.var("w", Nd4j.createFromArray(w0));
        SDVariable logits = in.mmul(w);
        // sd.nn().logSoftmax(x, dim) throws "Error setting property" in M2.1: built from primitives instead
        SDVariable logProbs = logits.sub(sd.math().log(sd.math().exp(logits).sum(true, 1)));
        sd.math().neg(logProbs.mul(label).sum(1)).mean("loss");
        sd.setLossVariables("loss");
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        for (int i = 0; i < 2; i++) {
            labels.putScalar(i, y[i] == 2 ? 1 : 0, 1.0);
        }
        Map<String, INDArray> feed = Map.of("x", Nd4j.createFromArray(x), "y", labels);

        INDArray g = sd.calculateGradients(feed, "w").get("w").dup();
        assertArrayEquals(expected(x, labels.toDoubleMatrix(), w0), g.data().asDouble(), 1e-12);

        // edit the weights in place, as the estimators do, and the next call must see it
        sd.getVariable("w").getArr().addi(0.25);
        double[][] w1 = new double[3][2];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                w1[i][j] = w0[i][j] + 0.25;
            }
        }
        INDArray g1 = sd.calculateGradients(feed, "w").get("w");
        assertArrayEquals(expected(x, labels.toDoubleMatrix(), w1), g1.data().asDouble(), 1e-12);
        assertEquals(6, g.length());
    }

    /** ∂/∂W of mean −Σ y log softmax(xW) = Xᵀ(softmax(XW) − Y)/n, row-major. */
    private static double[] expected(double[][] x, double[][] y, double[][] w) {
        int n = x.length;
        double[][] grad = new double[3][2];
        for (int s = 0; s < n; s++) {
            double[] z = new double[2];
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < 3; i++) {
                    z[j] += x[s][i] * w[i][j];
                }
            }
            double m = Math.max(z[0], z[1]);
            double e0 = Math.exp(z[0] - m);
            double e1 = Math.exp(z[1] - m);
            double[] p = {e0 / (e0 + e1), e1 / (e0 + e1)};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    grad[i][j] += x[s][i] * (p[j] - y[s][j]) / n;
                }
            }
        }
        return new double[] {grad[0][0], grad[0][1], grad[1][0], grad[1][1], grad[2][0], grad[2][1]};
    }
}
