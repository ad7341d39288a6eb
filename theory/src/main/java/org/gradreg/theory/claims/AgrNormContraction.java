package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.optim.transform.Agr;
import org.gradreg.theory.Verdict;
import org.nd4j.linalg.factory.Nd4j;

/** AGR paper, Theorem 4.1 (first inequality): ‖Ψ(∇L)‖₂ ≤ ‖∇L‖₂. */
public final class AgrNormContraction extends BaseClaim {

    static final int CASES = 2000;

    public AgrNormContraction() {
        super("agr.thm4.1-norm", "agr-adaptive-gradient-regularization", "Theorem 4.1, first inequality (eq. 4)",
                "‖Ψ(∇_w L)‖₂ ≤ ‖∇_w L‖₂ for the AGR operator Ψ(g) = g − g⊙|g|/Σ|g|.",
                "optim's Agr operator (without the one-element guard) on 2000 seeded random gradients of 1-64 elements, Gaussian, "
                        + "heavy-tailed (Cauchy) and sparse; the largest ratio ‖Ψ(g)‖/‖g‖.");
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

    @Override
    public Outcome check() {
        double worst = 0;
        long worstSeed = -1;
        for (long s = 0; s < CASES; s++) {
            double q = ratio(s);
            if (q > worst) {
                worst = q;
                worstSeed = s;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES);
        ev.put("largest ‖Ψ(g)‖/‖g‖", worst);
        ev.put("at seed", worstSeed);
        return worst <= 1 ? Outcome.of(Verdict.HOLDS, ev) : new Outcome(Verdict.FAILS, ev, "seed " + worstSeed + ": ratio " + worst);
    }
}
