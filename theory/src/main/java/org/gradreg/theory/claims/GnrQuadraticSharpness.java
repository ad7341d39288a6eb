package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.simple.SimpleEVD;
import org.ejml.simple.SimpleMatrix;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Verdict;

/** GNR paper, Proposition 2.1: at the minimum of a quadratic, R^GNR/ρ² = λ_max. */
public final class GnrQuadraticSharpness extends BaseClaim {

    static final int CASES = 20;
    static final double EXACT = 1e-8;
    static final double APPROX = 1e-4;

    public GnrQuadraticSharpness() {
        super("gnr.prop2.1-quadratic", "gnr-gradient-norm-regularizer", "Proposition 2.1",
                "For L(θ) = ½(θ − θ*)ᵀH(θ − θ*) with H positive definite, R^GNR_ρ(θ*)/ρ² = λ_max(H).",
                "20 seeded random positive-definite H = BᵀB + 0.1·I in 2-5 dimensions and ρ ∈ [0.1, 1]: numerical maximisation over "
                        + "the ball (optim's Sharpness.gnr, multi-start projected ascent) against EJML's largest eigenvalue.");
    }

    @Override
    public Outcome check() {
        double worst = 0;
        int worstCase = -1;
        for (int c = 0; c < CASES; c++) {
            SplittableRandom r = new SplittableRandom(1000 + c);
            int d = 2 + c % 4;
            SimpleMatrix b = new SimpleMatrix(d, d);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    b.set(i, j, r.nextDouble(-1, 1));
                }
            }
            SimpleMatrix h = b.transpose().mult(b).plus(SimpleMatrix.identity(d).scale(0.1));
            SimpleEVD<SimpleMatrix> evd = h.eig();
            double lambdaMax = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < d; i++) {
                lambdaMax = Math.max(lambdaMax, evd.getEigenvalue(i).getReal());
            }
            double rho = 0.1 + 0.9 * r.nextDouble();
            VectorFunction q = VectorFunction.of(x -> 0.5 * quad(h, x), x -> times(h, x));
            double ratio = Sharpness.gnr(q, new double[d], rho) / (rho * rho);
            double rel = Math.abs(ratio - lambdaMax) / lambdaMax;
            if (rel > worst) {
                worst = rel;
                worstCase = c;
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("cases", CASES);
        ev.put("max relative error of R^GNR/ρ² against λ_max", worst);
        ev.put("worst case", worstCase);
        if (worst < EXACT) {
            return Outcome.of(Verdict.HOLDS, ev);
        }
        return worst < APPROX ? Outcome.of(Verdict.HOLDS_APPROXIMATELY, ev)
                : new Outcome(Verdict.FAILS, ev, "case " + worstCase + ": relative error " + worst);
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
