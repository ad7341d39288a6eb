package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.RandomSmoothFunction;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper §5.1: during r-warmup (r_t = min(t/T_w, 1)·r₀, eq. 10) "the gradient becomes"
 * eq. 11, g_t = ∇L(θ_t + r_t∇L/‖∇L‖), SAM's gradient at radius r_t. Against the equation it refers
 * to: Algorithm 1 line 16, g_t = (1 − λ_t/r_t)g⁽¹⁾ + (λ_t/r_t)g⁽²⁾, with r and λ ramped together
 * (§5.1: "concurrently ramping up parameters r and λ"), so λ_t/r_t = λ₀/r₀ throughout. The two agree
 * exactly when λ₀ = r₀, the setting §5.1 names ("which equates to r^(sam) in SAM"; "r^(sam) in SAM
 * corresponds to the parameter setting r = λ in GR"); Table 3's grid also has λ/r = 0.8.
 */
public final class GrRWarmupGradient extends BaseClaim {

    static final double[] RATIO = {0.8, 1.0};
    static final double[] R0 = {0.05, 0.1};
    static final int WARMUP = 100;
    static final int[] STEPS = {1, 25, 50, 99};
    static final int FUNCTIONS = 10;
    static final double RESOLUTION = 1e-12;

    public GrRWarmupGradient() {
        super("harmful-gr.eq11-r-warmup", Papers.HARMFUL_GR, "§5.1, eqs. 10-11 against Algorithm 1 (line 16)",
                "During r-warmup the GR gradient becomes eq. 11, g_t = ∇L(θ_t + r_t·∇L(θ_t)/‖∇L(θ_t)‖), with r_t of eq. 10.",
                "Algorithm 1 line 16 with r_t = min(t/T_w, 1)·r₀ and λ_t = (λ₀/r₀)·r_t (r and λ ramped together), in plain doubles, against "
                        + "eq. 11, on 10 seeded random smooth functions (2-6 dimensions) at t ∈ {1, 25, 50, 99} (T_w = 100), for Table 3's "
                        + "λ₀/r₀ ∈ {0.8, 1} and r₀ ∈ {0.05, 0.1}; margin −‖line 16 − eq. 11‖/‖eq. 11‖, resolution 1e-12. Condition stated by the "
                        + "paper: λ₀ = r₀ (§5.1 frames r-warmup as warming up SAM's radius, r^(sam) ↔ λ = r).");
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        double worstOutside = 0;
        for (double ratio : RATIO) {
            for (double r0 : R0) {
                for (long s = 0; s < FUNCTIONS; s++) {
                    RandomSmoothFunction f = new RandomSmoothFunction(s, 2 + (int) (s % 5), 3, 1.0);
                    double[] x = RandomSmoothFunction.point(s, f.dimension());
                    for (int t : STEPS) {
                        double rt = Math.min((double) t / WARMUP, 1) * r0;
                        double lt = ratio * rt;
                        double[] g1 = f.gradient(x);
                        double n = norm(g1);
                        double[] p = x.clone();
                        for (int i = 0; i < p.length; i++) {
                            p[i] += rt * g1[i] / n;
                        }
                        double[] g2 = f.gradient(p);
                        double[] line16 = new double[p.length];
                        for (int i = 0; i < p.length; i++) {
                            line16[i] = (1 - lt / rt) * g1[i] + lt / rt * g2[i];
                        }
                        double rel = maxAbsDiff(line16, g2) / norm(g2);
                        if (ratio != 1.0) {
                            worstOutside = Math.max(worstOutside, rel);
                        }
                        cases.add(new Case(String.format(Locale.ROOT, "λ₀/r₀ = %s, r₀ = %s, seed %d, t = %d", ratio, r0, s, t), -rel, RESOLUTION,
                                ratio == 1.0));
                    }
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("largest relative difference at λ₀/r₀ = 0.8", worstOutside);
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases, new VerdictRule.Condition("λ₀ = r₀",
                "§5.1: r-warmup ramps \"r and λ in GR (which equates to r^(sam) in SAM)\"; \"r^(sam) in SAM corresponds to r = λ in GR\"")), ev);
    }
}
