package org.gradreg.theory.claims;

import org.ejml.simple.SimpleMatrix;

/**
 * The AGR operator of the paper's eqs. 1-2 in plain double arithmetic, Ψ(g) = g − α⊙g with
 * α = |g|/Σ|g| (one tensor), and the Jacobian of w ↦ Ψ(∇L(w)) by central differences. optim's
 * {@code Agr} is checked against it where the ledger uses it.
 */
final class AgrPsi {

    private AgrPsi() {
    }

    /** Ψ(g), eqs. 1-2. */
    static double[] psi(double[] g) {
        double s = 0;
        for (double x : g) {
            s += Math.abs(x);
        }
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = s == 0 ? 0 : g[i] - Math.abs(g[i]) / s * g[i];
        }
        return out;
    }

    /** The Jacobian DΨ(g) by central differences with step h·max|g|. */
    static SimpleMatrix jacobian(double[] g, double h) {
        int d = g.length;
        double scale = 0;
        for (double x : g) {
            scale = Math.max(scale, Math.abs(x));
        }
        double step = h * scale;
        SimpleMatrix j = new SimpleMatrix(d, d);
        for (int c = 0; c < d; c++) {
            double[] p = g.clone();
            double[] m = g.clone();
            p[c] += step;
            m[c] -= step;
            double[] fp = psi(p);
            double[] fm = psi(m);
            for (int r = 0; r < d; r++) {
                j.set(r, c, (fp[r] - fm[r]) / (2 * step));
            }
        }
        return j;
    }

    /** The largest singular value (EJML SVD, singular values only). */
    static double spectralNorm(SimpleMatrix m) {
        var svd = org.ejml.dense.row.factory.DecompositionFactory_DDRM.svd(m.getNumRows(), m.getNumCols(), false, false, true);
        if (!svd.decompose(m.getDDRM().copy())) {
            throw new IllegalStateException("SVD failed");
        }
        double max = 0;
        for (double s : svd.getSingularValues()) {
            max = Math.max(max, s);
        }
        return max;
    }
}
