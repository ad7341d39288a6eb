package org.gradreg.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.loop.Flatness;
import org.gradreg.trainer.loop.TinyRuns;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.HessianResult;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunResult;
import org.gradreg.trainer.config.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Report aggregation over real tiny runs, and the Hessian metrics against softmax regression's closed-form Hessian. */
class ReportAndFlatnessTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    @Test
    void reportTablesMeanAndStdOverSeeds() throws Exception {
        double[][] errors = new double[2][3];
        String[] est = {"plain", "gr"};
        for (int m = 0; m < 2; m++) {
            for (int s = 0; s < 3; s++) {
                RunResult r = new Trainer(TinyRuns.linear(m == 0 ? "plain" : "gr:r=0.05,alpha=0.5", s), dir.resolve(est[m] + "-" + s))
                        .progress(false).run(false);
                errors[m][s] = 100 * r.testError();
            }
        }
        // an unfinished run is left out
        new Trainer(TinyRuns.linear("plain", 9), dir.resolve("cut")).progress(false).stopAfter(2).run(false);
        Report rep = Report.of(dir);
        assertEquals(6, rep.runCount());
        assertEquals(2, rep.groups().size());
        for (Group g : rep.groups()) {
            double[] e = errors[g.row().startsWith("adam gr") ? 1 : 0];
            double mean = (e[0] + e[1] + e[2]) / 3;
            double var = 0;
            for (double x : e) {
                var += (x - mean) * (x - mean) / 2;
            }
            assertEquals(mean, g.mean(), 1e-9, g.row());
            assertEquals(Math.sqrt(var), g.std(), 1e-9, g.row());
            assertEquals(3, g.meanGradNorm().length);
        }
        rep.write(dir.resolve("report"));
        String md = Files.readString(dir.resolve("report/report.md"));
        assertTrue(md.contains("± ") && md.contains("(3)") && md.contains("left out"), md);
        assertTrue(Files.size(dir.resolve("report/grad-norm-1.png")) > 1000);
    }

    /**
     * Softmax regression's Hessian is (1/N)Σᵢ (diag pᵢ − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ, x̃ = (x, 1): its top
     * eigenvalues by Commons Math and its exact trace against the power iteration and Hutchinson.
     */
    @Test
    void hessianMetricsMatchSoftmaxRegressionsClosedForm() throws Exception {
        Path run = dir.resolve("lin");
        new Trainer(TinyRuns.linear("plain", 0), run).progress(false).run(false);
        // the top two eigenvalues are within 1% here: PyHessian's tolerance 1e-3 stops 5% short, so tighten it
        HessianResult f = Flatness.measure(run, new HessianSettings(32, 2, 40, 5000, 1e-9, 1, false, HessianSettings.FROZEN));
        var ckpt = Checkpoint.read(run.resolve(RunDir.CHECKPOINT)).arrays();
        double[] w = ckpt.get("param/linear/kernel").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble(); // [d, C] row-major
        double[] b = ckpt.get("param/linear/bias").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
        Batch batch = Batches.evaluation(Datasets.load(TinyRuns.DATA, null, 0).train(), 32).get(0, 0);
        int c = 3;
        int d = 3 * 4 * 4;
        int p = (d + 1) * c; // parameter order: kernel (d×C row-major), then bias (C)
        double[][] h = new double[p][p];
        double trace = 0;
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            double[] x = new double[d + 1];
            for (int k = 0; k < d; k++) {
                x[k] = batch.images()[i * d + k];
            }
            x[d] = 1;
            double[] z = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                z[j] = b[j];
                for (int k = 0; k < d; k++) {
                    z[j] += x[k] * w[k * c + j];
                }
                max = Math.max(max, z[j]);
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                z[j] = Math.exp(z[j] - max);
                s += z[j];
            }
            for (int j = 0; j < c; j++) {
                z[j] /= s;
            }
            for (int k1 = 0; k1 <= d; k1++) {
                for (int j1 = 0; j1 < c; j1++) {
                    int a = k1 * c + j1;
                    for (int k2 = 0; k2 <= d; k2++) {
                        for (int j2 = 0; j2 < c; j2++) {
                            double q = (j1 == j2 ? z[j1] : 0) - z[j1] * z[j2];
                            h[a][k2 * c + j2] += q * x[k1] * x[k2] / n;
                        }
                    }
                    trace += z[j1] * (1 - z[j1]) * x[k1] * x[k1] / n;
                }
            }
        }
        double[] eig = new EigenDecomposition(new Array2DRowRealMatrix(h)).getRealEigenvalues();
        Arrays.sort(eig);
        assertEquals(eig[eig.length - 1], f.topEigenvalues()[0], 1e-3 * eig[eig.length - 1], Arrays.toString(f.topEigenvalues()));
        assertEquals(eig[eig.length - 2], f.topEigenvalues()[1], 1e-2 * eig[eig.length - 1], Arrays.toString(f.topEigenvalues()));
        assertTrue(Math.abs(f.trace() - trace) <= 4 * f.traceStandardError() + 1e-6, "trace " + f.trace() + " ± " + f.traceStandardError()
                + " vs exact " + trace);
    }

    /**
     * The full training-set gradient of softmax regression, (1/N)Σᵢ x̃ᵢ(pᵢ − tᵢ)ᵀ with t the smoothed
     * one-hot target, in plain double over all 64 images, against the measured norm; batches of 24
     * (24 + 24 + 16 images) check that unequal batches are weighted by their size.
     */
    @Test
    void fullGradientNormMatchesSoftmaxRegressionsClosedForm() throws Exception {
        Path run = dir.resolve("lin-grad");
        TrainConfig cfg = TinyRuns.linear("plain", 2).with("run.labelSmoothing", 0.1);
        new Trainer(cfg, run).progress(false).run(false);
        HessianResult f = Flatness.measure(run, new HessianSettings(24, 1, 2, 20, 1e-3, 1, true, HessianSettings.FROZEN));
        var ckpt = Checkpoint.read(run.resolve(RunDir.CHECKPOINT)).arrays();
        double[] w = ckpt.get("param/linear/kernel").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
        double[] b = ckpt.get("param/linear/bias").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
        var train = Datasets.load(TinyRuns.DATA, null, 0).train();
        Batch all = Batches.evaluation(train, train.size()).get(0, 0);
        int c = 3;
        int d = 3 * 4 * 4;
        int n = all.size();
        double eps = cfg.run().labelSmoothing();
        double[] gw = new double[d * c];
        double[] gb = new double[c];
        for (int i = 0; i < n; i++) {
            double[] z = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                z[j] = b[j];
                for (int k = 0; k < d; k++) {
                    z[j] += all.images()[i * d + k] * w[k * c + j];
                }
                max = Math.max(max, z[j]);
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                z[j] = Math.exp(z[j] - max);
                s += z[j];
            }
            for (int j = 0; j < c; j++) {
                double t = (j == all.labels()[i] ? 1 - eps : 0) + eps / c;
                double r = (z[j] / s - t) / n;
                gb[j] += r;
                for (int k = 0; k < d; k++) {
                    gw[k * c + j] += all.images()[i * d + k] * r;
                }
            }
        }
        double sq = 0;
        for (double v : gw) {
            sq += v * v;
        }
        for (double v : gb) {
            sq += v * v;
        }
        assertEquals(64, f.fullGradImages());
        assertEquals(Math.sqrt(sq), f.fullGradNorm(), 1e-9 * Math.sqrt(sq) + 1e-12, "full-batch gradient norm");
        assertTrue(f.topResiduals() != null && f.topResiduals().length == 1 && f.topResiduals()[0] >= 0);
        HessianResult none = Flatness.measure(run, new HessianSettings(24, 1, 2, 20, 1e-3, 1, false, HessianSettings.FROZEN));
        assertEquals(null, none.fullGradNorm());
    }
}
