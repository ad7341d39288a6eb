package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.RandomSmoothFunction;
import java.util.List;
import org.gradreg.optim.VectorFunction;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/** GNR paper, Proposition 2.4: R^SAM_ρ(θ) ≤ R^GNR_ρ(θ). */
public final class GnrBoundsSam extends BaseClaim {

    static final double[] RHO = {0.1, 0.5, 1.0};
    static final int[] DIMS = {2, 4, 8, 16};
    static final double[] EPS = {0.1, 0.01, 0.001};
    /** Both maxima are numerical lower bounds (projected ascent); their difference is resolved to this fraction of R^GNR. */
    static final double RESOLUTION = 1e-6;

    public GnrBoundsSam() {
        super("gnr.prop2.4-sam-bounded", "gnr-gradient-norm-regularizer", "Proposition 2.4",
                "For every θ, R^SAM_ρ(θ) ≤ R^GNR_ρ(θ).",
                "Random instances: seeded random smooth functions ½xᵀAx + Σaⱼsin(wⱼᵀx + bⱼ) (4 sine terms, curvature 1.5) at seeded points "
                        + "in d ∈ {2, 4, 8, 16} (10, 10, 5, 3 functions), ρ ∈ {0.1, 0.5, 1}; adversarial: aᵀθ + εf, nearly linear, where the "
                        + "inequality is tight (equality for ε = 0), ε ∈ {0.1, 0.01, 0.001}, ρ = 0.5. Both inner maxima by optim's Sharpness "
                        + "(multi-start projected ascent); margin R^GNR − R^SAM, resolution 1e-6·R^GNR (both are numerical lower bounds).");
    }

    /** R^GNR − R^SAM for case {@code seed} and radius {@code rho}. */
    public static double margin(long seed, double rho) {
        int d = 2 + (int) (seed % 3);
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 4, 1.5);
        double[] x = RandomSmoothFunction.point(seed, d);
        return Sharpness.gnr(f, x, rho) - Sharpness.sam(f, x, rho);
    }

    /** L(θ) = aᵀθ + ε·f(θ): linear plus a small random smooth part, where R^SAM and R^GNR nearly coincide. */
    static VectorFunction nearlyLinear(long seed, int d, double eps) {
        RandomSmoothFunction f = new RandomSmoothFunction(seed, d, 4, 1.5);
        double[] a = new java.util.SplittableRandom(seed + 99).doubles(d, -1, 1).toArray();
        return VectorFunction.of(x -> {
            double v = eps * f.value(x);
            for (int i = 0; i < d; i++) {
                v += a[i] * x[i];
            }
            return v;
        }, x -> {
            double[] g = f.gradient(x);
            for (int i = 0; i < d; i++) {
                g[i] = a[i] + eps * g[i];
            }
            return g;
        });
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> ev = new LinkedHashMap<>();
        for (int d : DIMS) {
            int n = d <= 4 ? 10 : d <= 8 ? 5 : 3;
            double minRatio = Double.POSITIVE_INFINITY;
            for (long s = 0; s < n; s++) {
                RandomSmoothFunction f = new RandomSmoothFunction(100L * d + s, d, 4, 1.5);
                double[] x = RandomSmoothFunction.point(100L * d + s, d);
                for (double rho : RHO) {
                    double gnr = Sharpness.gnr(f, x, rho);
                    double sam = Sharpness.sam(f, x, rho);
                    minRatio = Math.min(minRatio, gnr / sam);
                    cases.add(Case.of(String.format(Locale.ROOT, "random, d = %d, seed %d, ρ = %s: R^SAM = %.6g, R^GNR = %.6g", d, 100L * d + s, rho,
                            sam, gnr), gnr - sam, RESOLUTION * gnr));
                }
            }
            double[] tight = new double[EPS.length];
            for (int k = 0; k < EPS.length; k++) {
                VectorFunction f = nearlyLinear(7L * d, d, EPS[k]);
                double[] x = RandomSmoothFunction.point(7L * d, d);
                double gnr = Sharpness.gnr(f, x, 0.5);
                double sam = Sharpness.sam(f, x, 0.5);
                tight[k] = gnr / sam - 1;
                cases.add(Case.of(String.format(Locale.ROOT, "nearly linear, d = %d, ε = %s, ρ = 0.5: R^SAM = %.8g, R^GNR = %.8g", d, EPS[k], sam, gnr),
                        gnr - sam, RESOLUTION * gnr));
            }
            ev.put("d = " + d + ": smallest R^GNR/R^SAM on random functions; R^GNR/R^SAM − 1 on aᵀθ + εf for ε = 0.1, 0.01, 0.001",
                    minRatio + "; " + org.gradreg.theory.ClaimsLedger.render(tight));
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
