package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper, the proof of Theorem A.3 (eqs. 26-30) step by step, with x = e^{−γ}:
 * eq. 27, dβ/dx = t x^{t−1}(1/(1 + x^t) + 2/(1 − x^t)) − (1/(1 + x) + 2/(1 − x)) for
 * β(x) = log t + log(1 + x^t) + 2 log(1 − x) − log(1 + x) − 2 log(1 − x^t) (eq. 26); eq. 28,
 * dζ/da = (a² + 6a + 1)/(1 − a²)² for ζ(a) = 1/(1 + a) + 2/(1 − a); eq. 29, ζ(x^t) < ζ(x) for t > 1;
 * eq. 30, dβ/dx < 0 where t x^{t−1} ≤ 1.
 */
public final class AdamVarianceProofSteps extends BaseClaim {

    static final int[] T = {2, 3, 5, 10, 30, 100, 300};
    static final int X_POINTS = 99;
    /** Central differences with h = 1e-6 on functions of size ≤ 1e4: error ≲ 1e-6 relative. */
    static final double DIFFERENCE_RESOLUTION = 1e-5;

    public AdamVarianceProofSteps() {
        super("harmful-gr.thmA3-proof-steps", Papers.HARMFUL_GR, "proof of Theorem A.3 (eqs. 26-30)",
                "With x = e^{−γ}: eq. 27 is the derivative of eq. 26's β(x); eq. 28 is the derivative of ζ(a) = 1/(1 + a) + 2/(1 − a); "
                        + "ζ(x^t) < ζ(x) for t > 1 (eq. 29); and t x^{t−1} ≤ 1 implies dβ/dx < 0 (eq. 30).",
                "On x ∈ {0.01, 0.02, …, 0.99} × t ∈ {2, 3, 5, 10, 30, 100, 300}: eqs. 27 and 28 against central differences "
                        + "(h = 1e-6) of β and ζ, margin −relative difference, resolution 1e-5; eq. 29 and eq. 30 (where t x^{t−1} ≤ 1) "
                        + "as strict inequalities, margin the gap relative to the larger side, resolution 1e-12.");
    }

    static double beta(double x, int t) {
        double xt = Math.pow(x, t);
        return Math.log(t) + Math.log1p(xt) + 2 * Math.log1p(-x) - Math.log1p(x) - 2 * Math.log1p(-xt);
    }

    /** Eq. 27 as printed. */
    static double eq27(double x, int t) {
        double xt = Math.pow(x, t);
        return t * Math.pow(x, t - 1) * (1 / (1 + xt) + 2 / (1 - xt)) - (1 / (1 + x) + 2 / (1 - x));
    }

    static double zeta(double a) {
        return 1 / (1 + a) + 2 / (1 - a);
    }

    /** Eq. 28 as printed. */
    static double eq28(double a) {
        return (a * a + 6 * a + 1) / ((1 - a * a) * (1 - a * a));
    }

    @Override
    public Outcome check() {
        List<Case> exact = VerdictRule.cases();
        double h = 1e-6;
        double worst27 = 0;
        double worst28 = 0;
        int eq30Cases = 0;
        for (int i = 1; i <= X_POINTS; i++) {
            double x = i / 100.0;
            double d28 = (zeta(x + h) - zeta(x - h)) / (2 * h);
            double r28 = VerdictRule.relative(eq28(x), d28);
            worst28 = Math.max(worst28, r28);
            exact.add(Case.of(String.format(Locale.ROOT, "eq. 28 at a=%.2f", x), -r28, DIFFERENCE_RESOLUTION));
            for (int t : T) {
                double d27 = (beta(x + h, t) - beta(x - h, t)) / (2 * h);
                double r27 = Math.abs(eq27(x, t) - d27) / Math.max(Math.abs(d27), 1e-3);
                worst27 = Math.max(worst27, r27);
                exact.add(Case.of(String.format(Locale.ROOT, "eq. 27 at x=%.2f t=%d", x, t), -r27, DIFFERENCE_RESOLUTION));
                double zt = zeta(Math.pow(x, t));
                double zx = zeta(x);
                exact.add(Case.of(String.format(Locale.ROOT, "eq. 29 at x=%.2f t=%d", x, t), (zx - zt) / zx, 1e-12));
                if (t * Math.pow(x, t - 1) <= 1) {
                    eq30Cases++;
                    double lhs = t * Math.pow(x, t - 1) * (1 / (1 + Math.pow(x, t)) + 2 / (1 - Math.pow(x, t)));
                    exact.add(Case.of(String.format(Locale.ROOT, "eq. 30 at x=%.2f t=%d", x, t), (zx - lhs) / zx, 1e-12));
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("largest relative difference, eq. 27 vs the derivative of β", worst27);
        ev.put("largest relative difference, eq. 28 vs the derivative of ζ", worst28);
        ev.put("grid points where t x^{t−1} ≤ 1 (eq. 30 applies)", eq30Cases);
        // identities (eqs. 27-28) and inequalities (eqs. 29-30) alike: no case may fall below −resolution
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, exact), ev);
    }
}
