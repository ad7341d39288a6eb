package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Path;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.optim.landscape.HessianSpectrum;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.DataConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.Dataset;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.RunDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Flatness of a trained model as in the GNR paper §3.4 (PyHessian's method): the top-k Hessian
 * eigenvalues by power iteration with deflation and the Hessian trace by Hutchinson's estimator
 * with Rademacher vectors, from optim's {@link HessianSpectrum} (central-difference HVPs, ND4J has
 * no double backprop), on one fixed training batch without augmentation, in evaluation mode (no
 * dropout, batch norm on its running statistics), with the batch's activation pattern (ReLU signs,
 * max-pool maxima) held at the measured point's unless the settings say {@code live}
 * ({@link ModelOracle#freezeActivationPattern}: without it the finite differences of a ReLU network
 * cross kinks and measure no Hessian). The model is rebuilt from the run's config and
 * its last checkpoint, in DOUBLE so the finite differences are accurate. Beside them, optionally,
 * the norm of the gradient of the mean training loss over the whole training set (the quantity
 * the SWD paper's Theorem 2 and the GR papers' ‖∇L‖ speak of, which a mini-batch mean only
 * approximates), in the same evaluation mode and with the run's label smoothing.
 */
public final class Flatness {

    private Flatness() {
    }

    /** Measures with PyHessian's stopping rule (relative change 1e-3, at most 100 iterations), the activation pattern frozen. */
    public static HessianResult measure(Path run, int top, int traceSamples, int batch, long seed) throws IOException {
        return measure(run, new HessianSettings(batch, top, traceSamples, 100, 1e-3, seed, false, HessianSettings.FROZEN));
    }

    /**
     * Measures the run in {@code run} on a batch of {@code batch} training images. PyHessian's
     * tolerance stops early when the top eigenvalues are close (the power iteration's rate is
     * their ratio); tighten {@code tolerance} and raise {@code maxIterations} for accurate values.
     */
    public static HessianResult measure(Path run, HessianSettings s) throws IOException {
        RunDir dir = new RunDir(run);
        TrainConfig cfg = dir.readConfig();
        Checkpoint c = cfg == null ? null : dir.readCheckpoint(System.err);
        if (c == null) {
            throw new BadInput(run + " is not a run directory with a checkpoint (needs " + RunDir.CONFIG + " and " + RunDir.CHECKPOINT + ")");
        }
        long t0 = System.nanoTime();
        DataConfig d = cfg.data();
        DataSplit data = Datasets.load(d.spec(), d.dir() == null ? null : Path.of(d.dir()), d.seed());
        Dataset train = d.trainLimit() > 0 ? data.train().head(d.trainLimit()) : data.train();
        // one micro-batch whatever the run's accumulation: the Hessian of the batch's mean loss in
        // evaluation mode does not depend on it, and a frozen pattern belongs to one input
        ModelOracle oracle = Trainer.buildOracle(cfg.with("run.accumulate", 1), train, DataType.DOUBLE);
        c.restoreModel(oracle.params(), oracle.runningStatistics());
        int batch = Math.min(s.batch(), train.size());
        oracle.setBatch(Batches.evaluation(train, batch).get(0, 0), 0, 0);
        oracle.evaluationMode();
        if (s.activationPattern().equals(HessianSettings.FROZEN)) {
            oracle.freezeActivationPattern();
        }
        Progress progress = new Progress(run, oracle, t0);
        HessianSpectrum h = HessianSpectrum.of(progress).seed(s.seed()).tolerance(s.tolerance()).maxIterations(s.maxIterations());
        HessianSpectrum.Eigenvalues eig;
        HessianSpectrum.TraceEstimate tr;
        try {
            progress.phase = "power iteration (at most " + s.top() * s.maxIterations() + " products)";
            eig = h.topEigenpairs(s.top());
            progress.phase = "trace (" + s.traceSamples() + " products)";
            tr = h.trace(s.traceSamples());
        } finally {
            oracle.releaseActivationPattern();
        }
        Double gradNorm = s.fullGradient() ? fullGradientNorm(oracle, train, s.batch(), cfg.run().labelSmoothing()) : null;
        return new HessianResult(run.toString(), batch, eig.values(), eig.residuals(), tr.mean(), tr.standardError(), tr.samples(),
                h.products(), (System.nanoTime() - t0) / 1e9, gradNorm, s.fullGradient() ? train.size() : null, s);
    }

    /**
     * The oracle the Hessian estimators see: the model's, with a line on standard error every 30 s of
     * a measurement (a trained CNN's takes minutes): the phase and the gradient evaluations so far
     * (two per Hessian-vector product).
     */
    private static final class Progress implements org.gradreg.optim.Oracle {
        private final Path run;
        private final ModelOracle oracle;
        private final long t0;
        private long last;
        String phase = "";
        private long count;

        Progress(Path run, ModelOracle oracle, long t0) {
            this.run = run;
            this.oracle = oracle;
            this.t0 = t0;
            this.last = t0;
        }

        @Override
        public Params params() {
            return oracle.params();
        }

        @Override
        public org.gradreg.optim.Evaluation evaluate(Pass pass) {
            org.gradreg.optim.Evaluation e = oracle.evaluate(pass);
            count++;
            long now = System.nanoTime();
            if (now - last > 30_000_000_000L) {
                last = now;
                System.err.printf(java.util.Locale.ROOT, "hessian %s: %s, %d gradient evaluations, %.0f s%n", run, phase, count, (now - t0) / 1e9);
            }
            return e;
        }
    }

    /**
     * ‖∇L(θ)‖ for L the mean loss over every image of {@code train}: the batch gradients (each the
     * gradient of its batch's mean loss) weighted by their share of the images. The oracle must be
     * in evaluation mode, so that the result depends on the parameters only.
     */
    static double fullGradientNorm(ModelOracle oracle, Dataset train, int batch, double labelSmoothing) {
        Batches all = Batches.evaluation(train, Math.min(batch, train.size()));
        Params sum = null;
        int seen = 0;
        long last = System.nanoTime();
        for (int i = 0; i < all.count(); i++) {
            if (System.nanoTime() - last > 30_000_000_000L) {
                last = System.nanoTime();
                System.err.printf(java.util.Locale.ROOT, "hessian: full training-set gradient, batch %d of %d%n", i + 1, all.count());
            }
            org.gradreg.trainer.data.Batch b = all.get(0, i);
            oracle.setBatch(b, labelSmoothing, 0);
            Params g = oracle.evaluate(Pass.PERTURBED).gradient();
            double share = (double) b.size() / train.size();
            if (sum == null) {
                sum = g.copy().scale(share);
            } else {
                sum.addScaled(share, g);
            }
            seen += b.size();
        }
        if (seen != train.size()) {
            throw new IllegalStateException("the evaluation batches cover " + seen + " of " + train.size() + " images");
        }
        return sum.norm2();
    }
}
