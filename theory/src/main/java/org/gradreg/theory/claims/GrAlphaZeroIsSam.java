package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.Papers;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.Verdict;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.properties.GrAlphaZeroProperty;

/**
 * GR paper §4.1, step 2 of the "greedy" hyper-parameter search: "perform a grid search on the
 * approximation value r, and in the meantime set the balance coefficient α to zero. This is
 * actually the SAM scheme." Against the equation it refers to: eq. 10 (Algorithm 1 step 7),
 * g = (1 − α)∇L(θ) + α∇L(θ + r∇L/‖∇L‖), which at α = 0 is the plain gradient and at α = 1 SAM's
 * (§3.3: "if α = 1, it would become the SAM optimization"; §4.3 and Figure 2: "from the standard
 * training scheme (α = 0) to the SAM training scheme (α = 1)").
 */
public final class GrAlphaZeroIsSam extends BaseClaim {

    static final int FUNCTIONS = 30;
    /** Rounding of plain double arithmetic on O(1) gradients. */
    public static final double RESOLUTION = 1e-12;

    public GrAlphaZeroIsSam() {
        super("gr.alpha-0-is-sam", Papers.GR, "§4.1 (greedy search, step 2) against eq. 10",
                "\"Set the balance coefficient α to zero. This is actually the SAM scheme\": eq. 10 with α = 0 is SAM's gradient "
                        + "∇L(θ + r∇L/‖∇L‖).",
                "Eq. 10 in plain double arithmetic, g(α) = (1 − α)∇L(θ) + α∇L(θ + r∇L/‖∇L‖), on 30 seeded random smooth functions "
                        + "(2-6 dimensions, r = 0.05 as in the paper's grid) at α = 0 against SAM's gradient; margin −‖g(0) − g_SAM‖/‖g_SAM‖, "
                        + "resolution 1e-12. Reported beside it: g(0) against ∇L and g(1) against SAM. The counterexample is jqwik's (the same "
                        + "check as a property over the function seed, shrunk).");
    }

    static final double R = 0.05;

    /** Eq. 10 at α for function {@code seed}. */
    static double[] eq10(RandomSmoothFunction f, double[] x, double alpha) {
        double[] g = f.gradient(x);
        double n = norm(g);
        double[] p = x.clone();
        for (int i = 0; i < x.length; i++) {
            p[i] += R * g[i] / n;
        }
        double[] g2 = f.gradient(p);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (1 - alpha) * g[i] + alpha * g2[i];
        }
        return out;
    }

    static RandomSmoothFunction function(long seed) {
        return new RandomSmoothFunction(seed, 2 + (int) (seed % 5), 3, 1.0);
    }

    /** ‖g(α = 0) − g_SAM‖/‖g_SAM‖ for function {@code seed}. */
    public static double relativeDifference(long seed) {
        RandomSmoothFunction f = function(seed);
        double[] x = RandomSmoothFunction.point(seed, f.dimension());
        double[] sam = eq10(f, x, 1);
        double[] zero = eq10(f, x, 0);
        double d = 0;
        for (int i = 0; i < sam.length; i++) {
            d += (zero[i] - sam[i]) * (zero[i] - sam[i]);
        }
        return Math.sqrt(d) / norm(sam);
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double zeroVsPlain = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (long s = 0; s < FUNCTIONS; s++) {
            double rel = relativeDifference(s);
            smallest = Math.min(smallest, rel);
            cases.add(Case.of("function seed " + s, -rel, RESOLUTION));
            RandomSmoothFunction f = function(s);
            double[] x = RandomSmoothFunction.point(s, f.dimension());
            zeroVsPlain = Math.max(zeroVsPlain, maxAbsDiff(eq10(f, x, 0), f.gradient(x)));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("smallest ‖g(0) − g_SAM‖/‖g_SAM‖", smallest);
        ev.put("largest |g(0) − ∇L| (α = 0 is plain training)", zeroVsPlain);
        ev.put("α = 1 is SAM", "claim gr.sam-is-gr-alpha-1");
        VerdictRule.Judgement j = VerdictRule.judge(VerdictRule.Kind.EXACT, cases);
        if (j.verdict() != Verdict.FAILS) {
            return VerdictRule.outcome(j, ev);
        }
        JqwikShrinking.Result r = JqwikShrinking.run(GrAlphaZeroProperty.class, "eq10AtAlphaZeroIsSam");
        String counter = r.shrunk().map(s -> {
            long seed = (Long) s.get(0);
            return String.format(Locale.ROOT, "function seed %d (the sample jqwik shrank; %s at a seeded point): eq. 10 at α = 0 differs from "
                    + "SAM's gradient by %.4g relative, and equals ∇L", seed, function(seed), relativeDifference(seed));
        }).orElse(null);
        return VerdictRule.outcome(j, ev, counter);
    }
}
