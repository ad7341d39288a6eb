package org.gradreg.theory.claims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper, Lemma 4.1 / Theorem 4.2 read as what they are used for: eq. 9 as the variance
 * of the adaptive rate ψ = √(t/Σg_k²) (Lemma 4.1 says "≈", Theorem 4.2 "is given by"), under eq. 7
 * as printed. The true Var ψ is computed exactly by {@link PsiExactVariance} (one-dimensional
 * quadrature; ∞ for t ≤ 2), so no sampling noise enters the verdict; a seeded Monte Carlo estimate
 * is reported beside it on a few cells as an independent cross-check.
 */
public final class AdamVarianceApproximation extends BaseClaim {

    static final int[] T = {1, 2, 3, 5, 10, 20, 50, 100, 300, 1000};
    static final double[] GAMMA = {0.001, 0.01, 0.05, 0.1, 0.3, 1.0};
    /** The quadrature's relative accuracy, checked against the chi-square closed form (γ = 0) in the tests. */
    static final double QUADRATURE = 1e-6;
    static final int MC_SAMPLES = 20_000;

    public AdamVarianceApproximation() {
        super("harmful-gr.thm4.2-approximation", Papers.HARMFUL_GR, "Lemma 4.1, Theorem 4.2 (eqs. 7-9) as an approximation of Var ψ",
                "With g_k ~ N(0, σ_k) independent, σ_k = e^{−γk}σ₁ (eq. 7), the variance of the adaptive rate ψ = √(t/Σ_{k=1}^t g_k²) "
                        + "(Nau's approximation of eq. 5, which the paper analyses) is given, via Lemma 4.1's ≈, by eq. 9.",
                "The exact Var ψ by one-dimensional quadrature (E[X^{−s}] = Γ(s)^{−1}∫u^{s−1}Π(1 + 2uσ_k)^{−1/2}du, X = Σσ_k z_k², "
                        + "Var ψ = t·E[1/X] − t·E[X^{−1/2}]², infinite for t ≤ 2) on t ∈ {1, 2, 3, 5, 10, 20, 50, 100, 300, 1000} × "
                        + "γ ∈ {0.001, 0.01, 0.05, 0.1, 0.3, 1} with σ₁ = 1 (both sides scale as 1/σ₁, checked at σ₁ = 100 on one row), "
                        + "against eq. 9. An approximation stated without a tolerance: margin 10% − |eq. 9/Var ψ − 1| (a relative error "
                        + "of 100% where Var ψ = ∞), resolution 1e-6 (the quadrature). The same with σ_k = e^{−γ(k−1)}σ₁ (the indexing "
                        + "under which eq. 9 is the delta method) and a seeded Monte Carlo cross-check (20 000 draws, ±3 standard errors) "
                        + "are reported.");
    }

    /** Relative error eq. 9 / Var ψ − 1 (−1 where Var ψ = ∞). */
    static double relativeError(int t, double gamma, double sigma1, boolean fromZero) {
        return relativeError(t, gamma, sigma1, fromZero, PsiExactVariance.variance(AdamVariance.variances(t, gamma, sigma1, true)));
    }

    /**
     * The same from Var ψ under σ_k = e^{−γ(k−1)}σ₁: eq. 7 as printed multiplies every variance by
     * e^{−γ}, so its X is e^{−γ} times that one and its Var ψ e^γ times.
     */
    static double relativeError(int t, double gamma, double sigma1, boolean fromZero, double exactFromZero) {
        double exact = fromZero ? exactFromZero : Math.exp(gamma) * exactFromZero;
        return Double.isInfinite(exact) ? -1 : AdamVariance.eq9(t, gamma, sigma1) / exact - 1;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> cells = new LinkedHashMap<>();
        List<String> within = new ArrayList<>();
        int withinCorrected = 0;
        for (int t : T) {
            for (double g : GAMMA) {
                double exactFromZero = PsiExactVariance.variance(AdamVariance.variances(t, g, 1, true));
                double exact = Math.exp(g) * exactFromZero;
                double rel = relativeError(t, g, 1, false, exactFromZero);
                double relCorrected = relativeError(t, g, 1, true, exactFromZero);
                String cell = String.format(Locale.ROOT, "t=%d γ=%s", t, g);
                cases.add(Case.of(cell + (Double.isInfinite(exact) ? ": Var ψ = ∞, eq. 9 = " + String.format(Locale.ROOT, "%.4g",
                        AdamVariance.eq9(t, g, 1)) : String.format(Locale.ROOT, ": eq. 9 %.4g, Var ψ %.4g", AdamVariance.eq9(t, g, 1), exact)),
                        VerdictRule.APPROXIMATION_TOLERANCE - Math.abs(rel), QUADRATURE));
                if (Math.abs(rel) <= VerdictRule.APPROXIMATION_TOLERANCE) {
                    within.add(cell);
                }
                withinCorrected += Math.abs(relCorrected) <= VerdictRule.APPROXIMATION_TOLERANCE ? 1 : 0;
                cells.put(cell, String.format(Locale.ROOT, "eq. 9 %.4g, exact Var ψ %s: %s; with σ_k = e^{−γ(k−1)}σ₁: %s",
                        AdamVariance.eq9(t, g, 1), Double.isInfinite(exact) ? "∞" : String.format(Locale.ROOT, "%.4g", exact), percent(rel),
                        percent(relCorrected)));
            }
        }
        // both sides scale as 1/σ₁: one row at σ₁ = 100
        for (double g : GAMMA) {
            double rel = relativeError(50, g, 100, false);
            cases.add(Case.of(String.format(Locale.ROOT, "t=50 γ=%s σ₁=100", g), VerdictRule.APPROXIMATION_TOLERANCE - Math.abs(rel), QUADRATURE));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cells within 10% (eq. 7 as printed)", within.size() + " of " + T.length * GAMMA.length + ": " + String.join("; ", within));
        ev.put("cells within 10% with σ_k = e^{−γ(k−1)}σ₁", withinCorrected + " of " + T.length * GAMMA.length);
        ev.put("Monte Carlo cross-check (Well19937c, 20 000 draws, eq. 7 as printed)", monteCarloCrossCheck());
        ev.putAll(cells);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.APPROXIMATION, cases), ev);
    }

    private static String percent(double rel) {
        return rel == -1 ? "relative error −100% (Var ψ = ∞)" : String.format(Locale.ROOT, "relative error %+.1f%%", 100 * rel);
    }

    private static List<String> monteCarloCrossCheck() {
        List<String> out = new ArrayList<>();
        int[][] cells = {{5, 0}, {20, 3}, {100, 4}};
        long seed = 42;
        for (int[] c : cells) {
            int t = c[0];
            double g = GAMMA[c[1]];
            double[] sigma = AdamVariance.variances(t, g, 1, false);
            Well19937c rng = new Well19937c(seed++);
            double[] psi = new double[MC_SAMPLES];
            for (int s = 0; s < MC_SAMPLES; s++) {
                double sum = 0;
                for (double v : sigma) {
                    double z = rng.nextGaussian();
                    sum += v * z * z;
                }
                psi[s] = Math.sqrt(t / sum);
            }
            double[] mc = AdamVariance.sampleVariance(psi);
            out.add(String.format(Locale.ROOT, "t=%d γ=%s: exact %.5g, Monte Carlo %.5g ± %.2g", t, g, PsiExactVariance.variance(sigma), mc[0],
                    VerdictRule.STANDARD_ERRORS * mc[1]));
        }
        return out;
    }
}
