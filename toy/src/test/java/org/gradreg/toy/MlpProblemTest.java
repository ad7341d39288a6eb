package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The toy MLP's hand-written backward pass against central differences, and its train/test gap. */
class MlpProblemTest {

    @Test
    void gradientMatchesCentralDifferences() {
        MlpProblem p = MlpProblem.generate(4, 5, 3, 30, 10, 0.1, 2);
        double[] th = p.init(1);
        double[] g = p.gradient(th);
        double h = 1e-6;
        for (int i = 0; i < th.length; i++) {
            double[] a = th.clone();
            double[] b = th.clone();
            a[i] += h;
            b[i] -= h;
            double fd = (p.value(a) - p.value(b)) / (2 * h);
            assertEquals(fd, g[i], 1e-7 + 1e-6 * Math.abs(fd), "parameter " + i);
        }
    }

    @Test
    void fullBatchTrainingOverfitsTheNoisyLabels() {
        MlpProblem p = MlpProblem.standard(11);
        Training t = Training.run(p, org.gradreg.optim.Optim.optimizer(org.gradreg.optim.Optim.adam(0.01)), 400, 0);
        assertTrue(t.loss()[399] < 0.5 * t.loss()[0], "loss " + t.loss()[0] + " -> " + t.loss()[399]);
        assertTrue(t.testError() > t.trainError() + 0.05, "train " + t.trainError() + ", test " + t.testError());
    }
}
