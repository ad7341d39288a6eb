package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.Verdict;

/**
 * GNR paper, Proposition B.2 (eq. 35, in the proof of Theorem 2.3): the averaged squared GNR term
 * (1/T)Σ‖αρ_t∇‖∇L(θ_t^adv)‖‖² is at most (1/T)α²γρ₀²Σ1/t, γ the smoothness of L.
 */
public final class GnrNormTermBound extends BaseClaim {

    static final double[] SCALES = {0.25, 1, 3, 10};
    static final int CASES_PER_SCALE = 3;
    static final int T = 1000;
    static final double ALPHA = 0.5;
    static final double RHO0 = 0.5;
    /** Learning rate η₀ in units of 1/γ: η_t = (ETA0/γ)/√t. */
    static final double ETA0 = 0.5;

    public GnrNormTermBound() {
        super("gnr.eq35-norm-term", Papers.GNR, "Proposition B.2 (eq. 35), proof of Theorem 2.3",
                "(1/T)Σ_t ‖αρ_t·∇‖∇L(θ_t^adv)‖‖² ≤ (1/T)α²γρ₀²Σ_t 1/t with ρ_t = ρ₀/√t, γ the Lipschitz-smoothness constant of L "
                        + "(then ≤ (C₁'' + C₂'' log T)/√T).",
                "Algorithm 1 in plain double arithmetic (exact gradients, η_t = η₀/√t, ρ_t = ρ₀/√t, α = 0.5, ρ₀ = 0.5, T = 1000) on "
                        + "12 seeded quadratics ½θᵀHθ whose λ_max(H) = γ is scaled to 0.25-10 (there ∇‖∇L‖ = H∇L/‖∇L‖, of norm ≤ γ). "
                        + "Both sides of eq. 35 as printed (factor γ) and with γ² (what ‖∇‖∇L‖‖ ≤ γ gives).");
    }

    /** {LHS, RHS with γ, RHS with γ², γ} for one case. */
    static double[] sides(long seed, double scale) {
        int d = 2 + (int) (seed % 3);
        LocalMinimum q = new LocalMinimum(5000 + seed, d, true);
        double s = scale / q.lambdaMax;
        double gamma = scale;
        double[] th = new double[d];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < d; i++) {
            th[i] = r.nextDouble(-2, 2);
        }
        double lhs = 0;
        double harmonic = 0;
        for (int t = 1; t <= T; t++) {
            double rho = RHO0 / Math.sqrt(t);
            double eta = ETA0 / gamma / Math.sqrt(t);
            double[] g = scaled(GnrQuadraticSharpness.times(q.h, th), s);
            double[] f = normGradient(q, s, th);
            double fn = norm(f);
            double[] adv = th.clone();
            for (int i = 0; i < d; i++) {
                adv[i] += fn == 0 ? 0 : rho * f[i] / fn;
            }
            double[] hn = normGradient(q, s, adv);
            double term = ALPHA * rho * norm(hn);
            lhs += term * term;
            harmonic += 1.0 / t;
            for (int i = 0; i < d; i++) {
                th[i] -= eta * (g[i] + ALPHA * rho * hn[i]);
            }
        }
        double base = ALPHA * ALPHA * RHO0 * RHO0 * harmonic / T;
        return new double[] {lhs / T, base * gamma, base * gamma * gamma, gamma};
    }

    private static double[] scaled(double[] v, double s) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
        return v;
    }

    /** ∇‖∇L‖ = H∇L/‖∇L‖ for L = ½ s·θᵀHθ. */
    private static double[] normGradient(LocalMinimum q, double s, double[] x) {
        double[] g = scaled(GnrQuadraticSharpness.times(q.h, x), s);
        double n = norm(g);
        double[] hg = scaled(GnrQuadraticSharpness.times(q.h, g), s);
        return n == 0 ? new double[x.length] : scaled(hg, 1 / n);
    }

    @Override
    public Outcome check() {
        int printedViolations = 0;
        int squaredViolations = 0;
        double largestGammaPrinted = 0;
        double smallestGammaViolating = Double.POSITIVE_INFINITY;
        double worstPrinted = 0;
        String at = null;
        for (double scale : SCALES) {
            for (long c = 0; c < CASES_PER_SCALE; c++) {
                double[] v = sides(c, scale);
                if (v[0] > v[1]) {
                    printedViolations++;
                    smallestGammaViolating = Math.min(smallestGammaViolating, v[3]);
                    if (v[0] / v[1] > worstPrinted) {
                        worstPrinted = v[0] / v[1];
                        at = String.format(Locale.ROOT, "γ = %s (case %d): LHS %.4g > α²γρ₀²Σ(1/t)/T = %.4g (ratio %.3g)", v[3], c, v[0], v[1],
                                v[0] / v[1]);
                    }
                } else {
                    largestGammaPrinted = Math.max(largestGammaPrinted, v[3]);
                }
                if (v[0] > v[2] * (1 + 1e-12)) {
                    squaredViolations++;
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", SCALES.length * CASES_PER_SCALE);
        ev.put("γ values", SCALES);
        ev.put("cases violating eq. 35 as printed (factor γ)", printedViolations);
        ev.put("cases violating it with γ²", squaredViolations);
        ev.put("largest γ where the printed form held", largestGammaPrinted);
        ev.put("worst printed-form violation", at == null ? "none" : at);
        if (squaredViolations > 0) {
            return new Outcome(Verdict.FAILS, ev, "even the γ² form is violated in " + squaredViolations + " cases");
        }
        if (printedViolations > 0) {
            return Outcome.of(Verdict.HOLDS_UNDER_CONDITIONS, ev);
        }
        return Outcome.of(Verdict.HOLDS, ev);
    }
}
