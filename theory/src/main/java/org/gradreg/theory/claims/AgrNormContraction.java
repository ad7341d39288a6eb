package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.transform.Agr;
import java.util.List;
import java.util.Locale;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.nd4j.linalg.factory.Nd4j;

/** AGR paper, Theorem 4.1 (first inequality): ‖Ψ(∇L)‖₂ ≤ ‖∇L‖₂. */
public final class AgrNormContraction extends BaseClaim {

    static final int CASES = 2000;
    static final int[] DIMS = {1, 2, 4, 16, 64, 256, 1024, 4096};
    /** Rounding on a ratio of two norms. */
    static final double RESOLUTION = 1e-12;

    public AgrNormContraction() {
        super("agr.thm4.1-norm", "agr-adaptive-gradient-regularization", "Theorem 4.1, first inequality (eq. 4)",
                "‖Ψ(∇_w L)‖₂ ≤ ‖∇_w L‖₂ for the AGR operator Ψ(g) = g − g⊙|g|/Σ|g|.",
                "optim's Agr operator (without the one-element guard) on 2000 seeded random gradients of 1-64 elements, Gaussian, "
                        + "heavy-tailed (Cauchy) and sparse; and Ψ in plain doubles (eqs. 1-2) for d ∈ {1, 2, 4, 16, 64, 256, 1024, 4096} on "
                        + "100 Gaussian gradients each, on |g| uniform (where ‖Ψ(g)‖/‖g‖ = 1 − 1/d) and a random-restart hill climb for "
                        + "d ≤ 64. Margin 1 − ‖Ψ(g)‖/‖g‖, resolution 1e-12.");
    }

    /** ‖Ψ(g)‖/‖g‖ for random gradient {@code seed}. */
    public static double ratio(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(64);
        double[] g = new double[n];
        int kind = (int) (seed % 3);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            g[i] = switch (kind) {
                case 0 -> Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * r.nextDouble());
                case 1 -> Math.tan(Math.PI * (u - 0.5));
                default -> u < 0.2 ? r.nextDouble(-5, 5) : 0.0;
            };
        }
        if (norm(g) == 0) {
            g[0] = 1;
        }
        double[] psi = new Agr(1).apply(Nd4j.createFromArray(g)).toDoubleVector();
        return norm(psi) / norm(g);
    }

    static double ratio(double[] g) {
        return norm(AgrPsi.psi(g)) / norm(g);
    }

    /** The largest ‖Ψ(g)‖/‖g‖ a random-restart hill climb on g finds in d dimensions. */
    static double search(int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double best = 0;
        for (int restart = 0; restart < 3; restart++) {
            double[] g = r.doubles(d, -1, 1).toArray();
            double v = ratio(g);
            for (int it = 0; it < 2000; it++) {
                double[] c = g.clone();
                int i = r.nextInt(d);
                c[i] *= Math.exp(0.3 * r.nextGaussian());
                double vc = ratio(c);
                if (vc > v) {
                    g = c;
                    v = vc;
                }
            }
            best = Math.max(best, v);
        }
        return best;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double worst = 0;
        long worstSeed = -1;
        for (long s = 0; s < CASES; s++) {
            double q = ratio(s);
            cases.add(Case.of("random gradient, seed " + s, 1 - q, RESOLUTION));
            if (q > worst) {
                worst = q;
                worstSeed = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("random gradients of 1-64 elements (Gaussian, Cauchy, sparse): largest ‖Ψ(g)‖/‖g‖ (seed)", String.format(Locale.ROOT,
                "%.6f (%d)", worst, worstSeed));
        for (int d : DIMS) {
            SplittableRandom r = new SplittableRandom(4000 + d);
            double randomWorst = 0;
            for (int k = 0; k < 100; k++) {
                double[] g = new double[d];
                for (int i = 0; i < d; i++) {
                    g[i] = r.nextGaussian();
                }
                double q = ratio(g);
                randomWorst = Math.max(randomWorst, q);
                cases.add(Case.of(String.format(Locale.ROOT, "g ~ N(0, I), d = %d, instance %d", d, k), 1 - q, RESOLUTION));
            }
            double[] uniform = new double[d];
            java.util.Arrays.fill(uniform, 1);
            double u = ratio(uniform);
            cases.add(Case.of(String.format(Locale.ROOT, "|g| uniform, d = %d", d), 1 - u, RESOLUTION));
            String found = "";
            if (d <= 64) {
                double f = search(d, d);
                cases.add(Case.of(String.format(Locale.ROOT, "hill climb on g, d = %d", d), 1 - f, RESOLUTION));
                found = String.format(Locale.ROOT, ", hill climb %.6f", f);
            }
            ev.put("d = " + d, String.format(Locale.ROOT, "g ~ N(0, I), 100 instances: largest ratio %.6f; |g| uniform %.6f "
                    + "(1 − 1/d = %.6f)%s", randomWorst, u, 1 - 1.0 / d, found));
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
