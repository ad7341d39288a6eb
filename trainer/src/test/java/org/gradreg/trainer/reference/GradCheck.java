package org.gradreg.trainer.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central-difference gradient checks of SameDiff graphs in DOUBLE. */
final class GradCheck {

    private GradCheck() {
    }

    /**
     * Compares {@code calculateGradients} of {@code loss} with central differences for up to
     * {@code perVariable} random elements of every variable in {@code vars}; returns the largest
     * relative error.
     */
    static double check(SameDiff sd, Map<String, INDArray> feed, String loss, List<String> vars, int perVariable, double h, double tol) {
        sd.setLossVariables(loss);
        Map<String, INDArray> grads = sd.calculateGradients(feed, vars);
        SplittableRandom rng = new SplittableRandom(11);
        double worst = 0;
        for (String v : vars) {
            INDArray g = grads.get(v).dup('c');
            INDArray w = sd.getVariable(v).getArr();
            // directional derivative along a random direction: checks every element at once
            INDArray u = Nd4j.rand(w.dataType(), w.shape()).subi(0.5);
            for (long e = 0; e < u.length(); e++) {
                u.putScalar(e, rng.nextDouble() - 0.5);
            }
            w.addi(u.mul(h));
            double dp = sd.output(feed, loss).get(loss).getDouble(0);
            w.subi(u.mul(2 * h));
            double dm = sd.output(feed, loss).get(loss).getDouble(0);
            w.addi(u.mul(h));
            double dnum = (dp - dm) / (2 * h);
            double dan = g.mul(u).sumNumber().doubleValue();
            assertTrue(Math.abs(dnum - dan) <= tol * Math.max(1e-3, Math.abs(dnum)),
                    v + " along a random direction: analytic " + dan + " vs central difference " + dnum);
            long n = w.length();
            int k = (int) Math.min(perVariable, n);
            for (int s = 0; s < k; s++) {
                long i = k == n ? s : rng.nextLong(n);
                long[] idx = org.nd4j.linalg.api.shape.Shape.ind2subC(w, i);
                double orig = w.getDouble(idx);
                w.putScalar(idx, orig + h);
                double lp = sd.output(feed, loss).get(loss).getDouble(0);
                w.putScalar(idx, orig - h);
                double lm = sd.output(feed, loss).get(loss).getDouble(0);
                w.putScalar(idx, orig);
                double num = (lp - lm) / (2 * h);
                double an = g.getDouble(idx);
                double err = Math.abs(num - an) / Math.max(1e-6, Math.max(Math.abs(num), Math.abs(an)));
                worst = Math.max(worst, err);
                assertTrue(Math.abs(num - an) <= tol * Math.max(1e-3, Math.abs(num)),
                        v + idxString(idx) + ": analytic " + an + " vs central difference " + num);
            }
        }
        return worst;
    }

    private static String idxString(long[] idx) {
        return java.util.Arrays.toString(idx);
    }
}
