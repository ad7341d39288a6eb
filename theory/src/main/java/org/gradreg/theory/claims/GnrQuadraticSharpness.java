package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.simple.SimpleEVD;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import java.util.List;
import java.util.Locale;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/** GNR paper, Proposition 2.1: at the minimum of a quadratic, R^GNR/ρ² = λ_max. */
public final class GnrQuadraticSharpness extends BaseClaim {

    static final int[] DIMS = {2, 3, 5, 8, 16, 32};
    static final int PER_DIM = 4;
    /** The resolution of the numerical maximum (multi-start projected ascent on a quadratic, converged to ~1e-12 in the step). */
    static final double EXACT = 1e-8;

    public GnrQuadraticSharpness() {
        super("gnr.prop2.1-quadratic", "gnr-gradient-norm-regularizer", "Proposition 2.1",
                "For L(θ) = ½(θ − θ*)ᵀH(θ − θ*) with H positive definite, R^GNR_ρ(θ*)/ρ² = λ_max(H).",
                "Random positive-definite H = BᵀB + 0.1·I (B uniform in [−1, 1], 4 per dimension) in d ∈ {2, 3, 5, 8, 16, 32}, ρ ∈ [0.1, 1], "
                        + "and two adversarial spectra per dimension (top two eigenvalues 1e-6 apart; condition number 1e6), randomly rotated: "
                        + "numerical maximisation over the ball (optim's Sharpness.gnr, multi-start projected ascent) against EJML's largest "
                        + "eigenvalue; margin −(relative error), resolution max(1e-8, (λ₁ − λ₂)/λ₁) (the numerical maximum is a lower bound within the "
                        + "eigen-gap of λ_max once it reaches the top eigenspace, however slowly its direction converges).");
    }

    /**
     * {relative error of R^GNR_ρ(0)/ρ² against λ_max for L = ½θᵀHθ, its resolution}: the numerical
     * maximum is a lower bound, and once the ascent is in the span of the top eigenvectors the value
     * is within (λ₁ − λ₂)/λ₁ of λ_max, however slowly the direction converges; so the resolution is
     * max(1e-8, (λ₁ − λ₂)/λ₁).
     */
    static double[] relativeError(SimpleMatrix h, double rho) {
        int d = h.getNumRows();
        SimpleEVD<SimpleMatrix> evd = h.eig();
        double[] ev = new double[d];
        for (int i = 0; i < d; i++) {
            ev[i] = evd.getEigenvalue(i).getReal();
        }
        java.util.Arrays.sort(ev);
        double lambdaMax = ev[d - 1];
        VectorFunction q = VectorFunction.of(x -> 0.5 * quad(h, x), x -> times(h, x));
        double e = Math.abs(Sharpness.gnr(q, new double[d], rho) / (rho * rho) - lambdaMax) / lambdaMax;
        return new double[] {e, Math.max(EXACT, (ev[d - 1] - ev[d - 2]) / lambdaMax)};
    }

    /** A random positive-definite H = BᵀB + 0.1·I, B uniform in [−1, 1]. */
    static SimpleMatrix randomH(SplittableRandom r, int d) {
        SimpleMatrix b = new SimpleMatrix(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                b.set(i, j, r.nextDouble(-1, 1));
            }
        }
        return b.transpose().mult(b).plus(SimpleMatrix.identity(d).scale(0.1));
    }

    /** Q diag(λ) Qᵀ with a seeded random rotation Q. */
    static SimpleMatrix withSpectrum(SplittableRandom r, double[] lambda) {
        int d = lambda.length;
        SimpleMatrix g = new SimpleMatrix(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                g.set(i, j, r.nextGaussian());
            }
        }
        SimpleMatrix q = g.svd().getU();
        return q.mult(SimpleMatrix.diag(lambda)).mult(q.transpose());
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> ev = new LinkedHashMap<>();
        for (int d : DIMS) {
            double worst = 0;
            for (int c = 0; c < PER_DIM; c++) {
                SplittableRandom r = new SplittableRandom(1000L * d + c);
                double rho = 0.1 + 0.9 * r.nextDouble();
                double[] e = relativeError(randomH(r, d), rho);
                worst = Math.max(worst, e[0]);
                cases.add(Case.of(String.format(Locale.ROOT, "random H, d = %d, case %d, ρ = %.3f", d, c, rho), -e[0], e[1]));
            }
            SplittableRandom r = new SplittableRandom(77L * d);
            double[] close = new double[d];
            double[] spread = new double[d];
            for (int i = 0; i < d; i++) {
                close[i] = i == 0 ? 1 : i == 1 ? 1 - 1e-6 : r.nextDouble(0.01, 0.5);
                spread[i] = Math.pow(10, -6.0 * i / Math.max(1, d - 1));
            }
            double[] eClose = relativeError(withSpectrum(r, close), 0.5);
            double[] eSpread = relativeError(withSpectrum(r, spread), 0.5);
            cases.add(Case.of("λ₁ − λ₂ = 1e-6, d = " + d, -eClose[0], eClose[1]));
            cases.add(Case.of("λ_max/λ_min = 1e6, d = " + d, -eSpread[0], eSpread[1]));
            ev.put("d = " + d + ": largest relative error (random, close top pair, condition 1e6)", new double[] {worst, eClose[0], eSpread[0]});
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }

    static double quad(SimpleMatrix h, double[] x) {
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                v += x[i] * h.get(i, j) * x[j];
            }
        }
        return v;
    }

    static double[] times(SimpleMatrix h, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += h.get(i, j) * x[j];
            }
        }
        return y;
    }
}
