package org.gradreg.trainer.loop;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Params;
import org.gradreg.optim.rule.AdaptiveRate;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.run.Metrics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Var(ψ) of the adaptive rate per coordinate over mini-batch noise, measured as the harmful-GR
 * paper defines it (§4, Lemma 4.1, Theorems 4.2-4.3: the variance of ψ = 1/√v̂ of one coordinate
 * over the randomness of its gradients), for the step about to be taken: at the current parameters
 * and optimizer state, the gradient the rule would receive (estimator and transforms, as in the
 * step: with GR, GR's gradient) on each of K mini-batches drawn from their own seeded stream, the
 * ψ'ᵢ = 1/(√v̂'ᵢ + ε) each would give ({@link AdaptiveRate#nextPsi}), and per coordinate i the
 * sample variance over the K batches. This is the part of Var(ψ) that one step's gradient noise
 * adds, given the history; the paper's variance is over the whole history's noise, which one run
 * cannot sample.
 *
 * <p>Coordinates whose v̂ is not well above ε² (√v̂ < 100ε) are left out: there ψ is set by ε and
 * the count of such elements, not gradient noise, dominates a variance over all elements (the
 * step lines' {@code psi_var} is that cross-element variance). The training is not changed: the
 * optimizer's state is only read, the estimator restores the parameters, batch-norm running
 * statistics are restored from a copy, and the next step sets its own batch and masks.
 */
final class PsiProbe {

    /** √v̂ must be at least this many ε for a coordinate to count. */
    static final double SQRT_VHAT_OVER_EPS = 100;

    private PsiProbe() {
    }

    /**
     * Measures at the oracle's current parameters before step {@code step}, on batches {@code k} =
     * 0..K−1 of {@code stream} (epoch {@code step}·4096 + k / count, index k mod count), dropout
     * masks from {@code seed}.
     */
    static Metrics.PsiProbe measure(Optimizer opt, ModelOracle oracle, Batches stream, long step, int batches, double labelSmoothing,
                                    long seed) {
        if (!(opt.rule() instanceof AdaptiveRate rate)) {
            throw new IllegalStateException("Var(psi) needs an Adam-type or RMSProp rule, not " + opt.rule());
        }
        Map<String, INDArray> running = new HashMap<>();
        oracle.runningStatistics().forEach((k, v) -> running.put(k, v.dup()));
        Map<String, double[]> mean = new HashMap<>();
        Map<String, double[]> m2 = new HashMap<>();
        try {
            int count = stream.count();
            for (int k = 0; k < batches; k++) {
                oracle.setBatch(stream.get(step * 4096L + k / count, k % count), labelSmoothing, Batches.mix(seed, 0x951L, step * 4096L + k));
                Params g = opt.probeGradient(oracle);
                for (Map.Entry<String, INDArray> e : g) {
                    double[] psi = rate.nextPsi(e.getKey(), e.getValue()).castTo(DataType.DOUBLE).data().asDouble();
                    double[] mu = mean.computeIfAbsent(e.getKey(), n -> new double[psi.length]);
                    double[] s2 = m2.computeIfAbsent(e.getKey(), n -> new double[psi.length]);
                    for (int i = 0; i < psi.length; i++) { // Welford
                        double d = psi[i] - mu[i];
                        mu[i] += d / (k + 1);
                        s2[i] += d * (psi[i] - mu[i]);
                    }
                }
            }
        } finally {
            running.forEach((k, v) -> oracle.runningStatistics().get(k).assign(v));
        }
        double threshold = SQRT_VHAT_OVER_EPS * rate.psiEps();
        long coordinates = 0;
        int n = 0; // elements in all
        for (double[] mu : mean.values()) {
            n += mu.length;
        }
        double[] logVar = new double[n];
        double[] logCv2 = new double[n];
        int included = 0;
        for (Map.Entry<String, double[]> e : mean.entrySet()) {
            double[] mu = e.getValue();
            double[] s2 = m2.get(e.getKey());
            INDArray vHat = rate.secondMomentEstimate(e.getKey());
            double[] vh = vHat == null ? null : vHat.castTo(DataType.DOUBLE).data().asDouble();
            coordinates += mu.length;
            for (int i = 0; i < mu.length; i++) {
                if (vh != null && Math.sqrt(vh[i]) >= threshold) {
                    double var = s2[i] / (batches - 1);
                    logVar[included] = Math.log10(var);
                    logCv2[included] = Math.log10(var / (mu[i] * mu[i]));
                    included++;
                }
            }
        }
        double[] lv = Arrays.copyOf(logVar, included);
        double[] lc = Arrays.copyOf(logCv2, included);
        Arrays.sort(lv);
        Arrays.sort(lc);
        return new Metrics.PsiProbe(step, batches, coordinates, included, quantile(lv, 0.5), quantile(lv, 0.1), quantile(lv, 0.9),
                quantile(lc, 0.5));
    }

    /** The q-quantile of sorted values, linear between order statistics (NaN when empty; -Infinity counts as the smallest). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return frac == 0 || sorted[lo] == sorted[hi] ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }
}
