package org.gradreg.optim.landscape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hessian metrics of an oracle at its current parameters and batch, as in the GNR paper §3.4
 * (PyHessian's method): the top eigenvalues by power iteration with deflation, and the trace by
 * Hutchinson's estimator with Rademacher vectors. ND4J has no double backprop, so each
 * Hessian-vector product is a central difference of gradients,
 * H·v ≈ (∇L(θ + h·v) − ∇L(θ − h·v)) / (2h) for unit v (error O(h²)), two evaluations, all
 * {@link Pass#PERTURBED} so models stay in evaluation mode (no batch-norm statistics updates).
 * The parameters are restored exactly after every product.
 *
 * <p>Power iteration converges to the eigenvalue of largest magnitude; at a minimum that is the
 * largest eigenvalue. Eigenvalues come out in the order found (decreasing magnitude).
 */
public final class HessianSpectrum {

    private final Oracle oracle;
    private final double h;
    private final long seed;
    private final int maxIterations;
    private final double tolerance;
    private long products;

    private HessianSpectrum(Oracle oracle, double h, long seed, int maxIterations, double tolerance) {
        this.oracle = oracle;
        this.h = Hyper.positive("hvpStep", h);
        this.seed = seed;
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        this.maxIterations = maxIterations;
        this.tolerance = Hyper.positive("tolerance", tolerance);
    }

    /** Defaults: h = 1e-3, seed 0, at most 100 iterations, relative tolerance 1e-3 (PyHessian's). */
    public static HessianSpectrum of(Oracle oracle) {
        return new HessianSpectrum(oracle, 1e-3, 0, 100, 1e-3);
    }

    public HessianSpectrum hvpStep(double step) {
        return new HessianSpectrum(oracle, step, seed, maxIterations, tolerance);
    }

    public HessianSpectrum seed(long s) {
        return new HessianSpectrum(oracle, h, s, maxIterations, tolerance);
    }

    public HessianSpectrum maxIterations(int n) {
        return new HessianSpectrum(oracle, h, seed, n, tolerance);
    }

    public HessianSpectrum tolerance(double tol) {
        return new HessianSpectrum(oracle, h, seed, maxIterations, tol);
    }

    /** Hessian-vector products computed so far. */
    public long products() {
        return products;
    }

    /** H·v by a central difference along v/‖v‖, scaled back by ‖v‖. */
    public Params hessianTimes(Params v) {
        double norm = v.norm2();
        if (norm == 0) {
            return v.zerosLike();
        }
        Params hv = FiniteDifferenceHvp.central(oracle.params(), v, h, () -> oracle.evaluate(Pass.PERTURBED).gradient());
        products++;
        return hv;
    }

    /** The {@code k} eigenvalues of largest magnitude, by power iteration with deflation. */
    public double[] topEigenvalues(int k) {
        return topEigenpairs(k).values();
    }

    /**
     * The {@code k} eigenvalues of largest magnitude by power iteration with deflation, each with
     * the residual ‖H'v − λv‖ of its last iteration (H' the deflated operator, v the unit iterate,
     * λ = vᵀH'v its Rayleigh quotient). For a symmetric H' some eigenvalue lies within that residual
     * of λ (Bauer-Fike for normal matrices, or Weyl): for the top eigenvalue, where H' = H, it bounds
     * the power iteration's own error; it does not cover the finite-difference error of the products.
     */
    public Eigenvalues topEigenpairs(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Params> vectors = new ArrayList<>();
        double[] values = new double[k];
        double[] residuals = new double[k];
        int[] iterations = new int[k];
        for (int i = 0; i < k; i++) {
            Params v = normalized(gaussianLike(oracle.params(), rnd));
            double lambda = Double.NaN;
            double residual = Double.NaN;
            int it = 0;
            while (it < maxIterations) {
                it++;
                Params w = hessianTimes(v);
                // deflation: remove the components along the eigenvectors already found
                for (int j = 0; j < vectors.size(); j++) {
                    w.addScaled(-values[j] * vectors.get(j).dot(v), vectors.get(j));
                }
                double next = v.dot(w);
                double wNorm = w.norm2();
                if (wNorm == 0) {
                    lambda = 0;
                    residual = 0;
                    break;
                }
                residual = w.copy().addScaled(-next, v).norm2();
                v = w.scale(1 / wNorm);
                boolean converged = !Double.isNaN(lambda) && Math.abs(next - lambda) <= tolerance * (Math.abs(lambda) + 1e-12);
                lambda = next;
                if (converged) {
                    break;
                }
            }
            values[i] = lambda;
            residuals[i] = residual;
            iterations[i] = it;
            vectors.add(v);
        }
        return new Eigenvalues(values, residuals, iterations);
    }

    /**
     * Eigenvalue estimates, largest magnitude first, with the residual of each one's last power
     * iteration (an error bound for the iteration, see {@link #topEigenpairs}) and the iterations
     * it took.
     */
    public record Eigenvalues(double[] values, double[] residuals, int[] iterations) {
    }

    /** Hutchinson's trace estimate over {@code samples} Rademacher vectors: mean and standard error. */
    public TraceEstimate trace(int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("trace needs at least 2 samples, got " + samples);
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7ace);
        double[] draws = new double[samples];
        for (int s = 0; s < samples; s++) {
            Params z = rademacherLike(oracle.params(), rnd);
            draws[s] = z.dot(hessianTimes(z));
        }
        double mean = 0;
        for (double d : draws) {
            mean += d / samples;
        }
        double var = 0;
        for (double d : draws) {
            var += (d - mean) * (d - mean) / (samples - 1);
        }
        return new TraceEstimate(mean, Math.sqrt(var / samples), samples);
    }

    /** A trace estimate with its standard error. */
    public record TraceEstimate(double mean, double standardError, int samples) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.6g ± %.2g (%d samples)", mean, standardError, samples);
        }
    }

    private static Params normalized(Params v) {
        return v.scale(1 / v.norm2());
    }

    private static Params gaussianLike(Params like, SplittableRandom rnd) {
        return filled(like, () -> Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble()));
    }

    private static Params rademacherLike(Params like, SplittableRandom rnd) {
        return filled(like, () -> rnd.nextBoolean() ? 1.0 : -1.0);
    }

    private static Params filled(Params like, java.util.function.DoubleSupplier draw) {
        return like.map((name, t) -> {
            double[] values = new double[(int) t.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = draw.getAsDouble();
            }
            return Nd4j.createFromArray(values).castTo(t.dataType()).reshape(t.shape());
        });
    }

    @Override
    public String toString() {
        return "HessianSpectrum[h=" + h + ", seed=" + seed + ", maxIterations=" + maxIterations + ", tolerance=" + tolerance + "]";
    }
}
