package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.ExampleOracle;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ESAM, efficient SAM (Du et al., ICLR 2022, Algorithm 1; dydjw9/Efficient_SAM {@code Esam.py}):
 * <ul>
 *   <li>stochastic weight perturbation (SWP, §3.1): each parameter tensor is perturbed with
 *       probability β, the kept ones by ε = ρ·g₁,K/(β·‖g₁,K‖) (K: the kept tensors);</li>
 *   <li>sharpness-sensitive data selection (SDS, §3.2): the gradient at θ + ε is taken over the
 *       ⌊γ·B⌋ examples whose loss rose the most, L_i(θ + ε) − L_i(θ); γ = 1 takes the whole batch.</li>
 * </ul>
 * The mask of step t is drawn from a stream seeded by (seed, t) (one uniform per tensor, in the
 * parameters' order; kept when u &lt; β), so a resumed run draws the same masks and the estimator
 * keeps no state. SDS needs per-example losses ({@link ExampleOracle}); ESAM with γ &lt; 1 on an
 * oracle without them is refused. Evaluations: 2 with γ = 1; with γ &lt; 1 four oracle calls
 * (g₁; the losses at θ and at θ + ε, forward only; the subset's gradient).
 *
 * <p>Deliberate differences from the code: the code draws step t's mask at the end of step t − 1
 * (with Python's global {@code random}) and perturbs every tensor at the first step; it adds 1e-7
 * to ‖g₁,K‖; and its selection keeps the examples strictly above the ⌊γ·B⌋-th largest rise, one
 * fewer than the paper's top ⌊γ·B⌋ ({@code selection=code}; the default is the paper's, ties to
 * the lower index). The code also takes γ ≥ 0.99 as the whole batch.
 */
public final class Esam implements GradientEstimator {

    /** Registry entry: {@code esam:rho=…,beta=…,gamma=…,seed=…,scope=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("esam",
            "efficient SAM (Du et al. 2022): stochastic weight perturbation (beta) and sharpness-sensitive data selection (gamma)",
            Sam.keys(Key.number("rho", null, Range.NON_NEGATIVE, "ascent radius"),
                    Key.number("beta", 0.6, new Range(0, false, 1, true), "probability that a tensor is perturbed (SWP)"),
                    Key.number("gamma", 1.0, new Range(0, false, 1, true), "fraction of the batch whose gradient is taken (SDS; needs per-example losses)"),
                    Key.integer("seed", 0L, Range.ALL, "seed of the perturbation masks"),
                    Key.choice("selection", "paper", java.util.List.of("paper", "code"),
                            "SDS keeps the top floor(gamma B) rises (paper) or those strictly above the floor(gamma B)-th largest (official code)")),
            "rho=0.05,beta=0.6", (a, w) -> Scope.of(a).over(Esam.of(a.number("rho"), a.number("beta"), a.number("gamma"), a.integer("seed"))
                    .selection(a.choice("selection").equals("code"))));

    private final Schedule rho;
    private final double beta;
    private final double gamma;
    private final long seed;
    private final boolean codeSelection;
    private final Perturbation perturbation = new Perturbation();

    private Esam(Schedule rho, double beta, double gamma, long seed, boolean codeSelection) {
        this.rho = rho;
        if (!(beta > 0 && beta <= 1) || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("ESAM needs beta and gamma in (0, 1], got " + beta + " and " + gamma);
        }
        this.beta = beta;
        this.gamma = gamma;
        this.seed = seed;
        this.codeSelection = codeSelection;
    }

    public static Esam of(double rho, double beta, double gamma, long seed) {
        return new Esam(Schedule.constant(Hyper.nonNegative("rho", rho)), beta, gamma, seed, false);
    }

    /** The same ESAM with the official code's selection (strictly above the ⌊γ·B⌋-th largest rise) or the paper's (the top ⌊γ·B⌋). */
    public Esam selection(boolean code) {
        return new Esam(rho, beta, gamma, seed, code);
    }

    /** Whether tensor number {@code i} (in the parameters' order) is perturbed at step {@code step}. */
    static boolean[] kept(long seed, long step, int tensors, double beta) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        boolean[] keep = new boolean[tensors];
        for (int i = 0; i < tensors; i++) {
            keep[i] = r.nextDouble() < beta;
        }
        return keep;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double r = Hyper.nonNegativeAt("rho", rho, step);
        ExampleOracle examples = oracle instanceof ExampleOracle e ? e : null;
        if (gamma < 1 && examples == null) {
            throw new IllegalArgumentException(this + ": data selection (gamma < 1) needs per-example losses, and "
                    + oracle.getClass().getSimpleName() + " gives none (not an ExampleOracle); use gamma=1");
        }
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rho", r);
        Params params = oracle.params();
        boolean[] keep = kept(seed, step, params.size(), beta);
        Map<String, INDArray> kept = new LinkedHashMap<>();
        int i = 0;
        for (String name : params.names()) {
            if (keep[i++]) {
                kept.put(name, g1.get(name));
            }
        }
        values.put("perturbed_fraction", (double) kept.size() / params.size());
        Params gk = kept.isEmpty() ? null : kept.size() == params.size() ? g1 : Params.of(kept);
        double nk = gk == null ? 0 : gk == g1 ? first.norm() : gk.norm2();
        if (r == 0 || nk == 0) {
            return Estimators.plain(first, values);
        }
        Ascent eps = new Ascent(r / (beta * nk), gk);
        if (gamma == 1) {
            Params g2 = perturbation.evaluate(oracle, step, "ESAM ascent-point evaluation", eps).gradient();
            return new Estimate(first.loss(), g2, g1, first.norm(), 2, values);
        }
        int n = examples.batchSize();
        double[] before = examples.losses(Pass.PERTURBED, 0, n);
        int[] selected = new int[1];
        Evaluation e = perturbation.at(oracle, () -> {
            double[] after = examples.losses(Pass.PERTURBED, 0, n);
            int[] top = top(after, before, Math.max(1, (int) Math.floor(gamma * n)), codeSelection);
            selected[0] = top.length;
            return examples.evaluate(Pass.PERTURBED, top);
        }, eps);
        Params g2 = Estimators.checked(e, step, "ESAM evaluation at the ascent point on the selected examples").gradient();
        values.put("selected_fraction", (double) selected[0] / n);
        return new Estimate(first.loss(), g2, g1, first.norm(), 4, values);
    }

    /**
     * The {@code count} examples with the largest rise after − before (ties to the lower index), in
     * index order; with {@code strict} (the official code) only those strictly above the
     * count-th largest rise (at least one).
     */
    static int[] top(double[] after, double[] before, int count, boolean strict) {
        Integer[] order = new Integer[after.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(after[b] - before[b], after[a] - before[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int keep = count;
        if (strict) {
            double cutoff = after[order[count - 1]] - before[order[count - 1]];
            keep = 0;
            while (keep < order.length && after[order[keep]] - before[order[keep]] > cutoff) {
                keep++;
            }
            keep = Math.max(1, keep);
        }
        int[] out = new int[keep];
        for (int i = 0; i < keep; i++) {
            out[i] = order[i];
        }
        java.util.Arrays.sort(out);
        return out;
    }

    @Override
    public String toString() {
        return "esam(rho=" + rho + ", beta=" + beta + ", gamma=" + gamma + ", seed=" + seed + (codeSelection ? ", selection=code" : "") + ")";
    }
}
