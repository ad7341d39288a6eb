package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.Dataset;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * measure.psiEvery: the per-coordinate Var(ψ) probes leave training bit-identical, survive a
 * resume, and equal an independent computation for softmax regression with Adam.
 */
class PsiProbeTest {

    static {
        Trainer.threads(1);
    }

    @TempDir
    Path dir;

    private static List<JsonNode> withoutProbes(List<JsonNode> lines) {
        return lines.stream().filter(n -> !n.path("type").asText().equals("psi_probe")).toList();
    }

    private static List<JsonNode> probes(List<JsonNode> lines) {
        return lines.stream().filter(n -> n.path("type").asText().equals("psi_probe")).toList();
    }

    private static void assertSameCheckpoints(Path a, Path b) throws IOException {
        Map<String, INDArray> ca = Checkpoint.read(a.resolve(RunDir.CHECKPOINT)).arrays();
        Map<String, INDArray> cb = Checkpoint.read(b.resolve(RunDir.CHECKPOINT)).arrays();
        assertEquals(ca.keySet(), cb.keySet());
        for (String k : ca.keySet()) {
            assertEquals(ca.get(k), cb.get(k), k);
        }
    }

    /** Dropout ViT with GR (zero warmup) and a batch-norm ResNet with SAM: probes change nothing. */
    @Test
    void probesLeaveTrainingBitIdentical() throws IOException {
        for (TrainConfig c : List.of(TrainerTest.tiny(), TrainerTest.tiny().with("model.spec", "resnet18:width=2,blocks=1")
                .withEstimator(EstimatorConfig.parse("sam:rho=0.05")))) {
            String name = c.model().spec().startsWith("resnet") ? "bn" : "vit";
            Path plain = dir.resolve(name + "-plain");
            Path probed = dir.resolve(name + "-probed");
            new Trainer(c, plain).progress(false).run(false);
            new Trainer(c.with("measure.psiEvery", 2, "measure.psiBatches", 3), probed).progress(false).run(false);
            List<JsonNode> a = TrainerTest.metrics(plain);
            List<JsonNode> b = TrainerTest.metrics(probed);
            assertEquals(a, withoutProbes(b), name);
            assertSameCheckpoints(plain, probed);
            List<JsonNode> p = probes(b);
            assertEquals(List.of(2L, 4L, 6L), p.stream().map(n -> n.get("step").asLong()).toList(), name); // 8 steps: 4 per epoch, 2 epochs
            for (JsonNode n : p) {
                assertTrue(n.get("included").asLong() > 0 && n.get("included").asLong() <= n.get("coordinates").asLong(), n.toString());
                assertTrue(n.get("q10_log10_var").asDouble() <= n.get("median_log10_var").asDouble()
                        && n.get("median_log10_var").asDouble() <= n.get("q90_log10_var").asDouble(), n.toString());
            }
        }
    }

    @Test
    void aResumedProbedRunGivesTheSameLines() throws IOException {
        TrainConfig c = TrainerTest.tiny().with("run.checkpointEvery", 3, "measure.psiEvery", 3, "measure.psiBatches", 2);
        Path full = dir.resolve("full");
        Path cut = dir.resolve("cut");
        new Trainer(c, full).progress(false).run(false);
        new Trainer(c, cut).progress(false).stopAfter(7).run(false);
        new Trainer(c, cut).progress(false).run(true);
        assertEquals(TrainerTest.metrics(full), TrainerTest.metrics(cut));
        assertSameCheckpoints(full, cut);
    }

    @Test
    void rulesWithoutAnAdaptiveRateAreRefused() {
        TrainConfig c = TrainerTest.tiny().with("optimizer.rule", "sgd:momentum=0.9", "measure.psiEvery", 2);
        BadInput e = assertThrows(BadInput.class, () -> new Trainer(c, dir.resolve("sgd")).progress(false).run(false));
        assertTrue(e.getMessage().contains("psiEvery") && e.getMessage().contains("adaptive rate"), e.getMessage());
    }

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        double[] x = {1, 2, 4, 8};
        assertEquals(1, PsiProbe.quantile(x, 0), 0);
        assertEquals(3, PsiProbe.quantile(x, 0.5), 1e-15); // between 2 and 4
        assertEquals(1.3, PsiProbe.quantile(x, 0.1), 1e-15); // 0.3 of the way from 1 to 2
        assertEquals(8, PsiProbe.quantile(x, 1), 0);
        assertTrue(Double.isNaN(PsiProbe.quantile(new double[0], 0.5)));
    }

    /**
     * Softmax regression with Adam, probed at step 4: the median over coordinates of log₁₀ of the
     * sample variance of ψ' = 1/(√(β₂v + (1 − β₂)g²)/(1 − β₂⁵)) + ε) over the probe's batches, with
     * the batch gradients (1/B)Σᵢ x̃ᵢ(pᵢ − yᵢ)ᵀ and v from the checkpoint of step 4, in plain double.
     */
    @Test
    void theProbeEqualsAnIndependentComputationForSoftmaxRegression() throws IOException {
        int at = 4;
        int k = 5;
        TrainConfig c = TinyRuns.linear("plain", 3).with("measure.psiEvery", at, "measure.psiBatches", k);
        Path run = dir.resolve("lin");
        new Trainer(c, run).progress(false).run(false);
        JsonNode probe = probes(TrainerTest.metrics(run)).get(0);
        assertEquals(at, probe.get("step").asLong());
        Path cut = dir.resolve("lin-cut");
        new Trainer(c.with("run.checkpointEvery", at), cut).progress(false).stopAfter(at).run(false);
        Map<String, INDArray> ck = Checkpoint.read(cut.resolve(RunDir.CHECKPOINT)).arrays();
        double[] w = ck.get("param/linear/kernel").castTo(DataType.DOUBLE).data().asDouble();
        double[] b = ck.get("param/linear/bias").castTo(DataType.DOUBLE).data().asDouble();
        String vw = ck.keySet().stream().filter(s -> s.startsWith("opt/") && s.contains("v/") && s.endsWith("linear/kernel")).findFirst()
                .orElseThrow(() -> new AssertionError("no v of the kernel among " + ck.keySet()));
        String vb = vw.replace("linear/kernel", "linear/bias");
        double[] v = concat(ck.get(vw).castTo(DataType.DOUBLE).data().asDouble(), ck.get(vb).castTo(DataType.DOUBLE).data().asDouble());
        int classes = 3;
        int d = 3 * 4 * 4;
        double beta2 = 0.999;
        double eps = 1e-8;
        Dataset train = Datasets.load(TinyRuns.DATA, null, 0).train();
        Batches stream = Batches.training(train, c.run().batch(), c.data().augment(), Batches.mix(c.run().seed(), 0x951L, 1));
        double[][] psi = new double[k][];
        for (int j = 0; j < k; j++) {
            Batch batch = stream.get(at * 4096L + j / stream.count(), j % stream.count());
            double[] g = new double[(d + 1) * classes]; // kernel (d×C row-major), then bias
            for (int i = 0; i < batch.size(); i++) {
                double[] z = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int q = 0; q < classes; q++) {
                    z[q] = b[q];
                    for (int f = 0; f < d; f++) {
                        z[q] += batch.images()[i * d + f] * w[f * classes + q];
                    }
                    max = Math.max(max, z[q]);
                }
                double s = 0;
                for (int q = 0; q < classes; q++) {
                    z[q] = Math.exp(z[q] - max);
                    s += z[q];
                }
                for (int q = 0; q < classes; q++) {
                    double r = (z[q] / s - (q == batch.labels()[i] ? 1 : 0)) / batch.size();
                    g[d * classes + q] += r;
                    for (int f = 0; f < d; f++) {
                        g[f * classes + q] += batch.images()[i * d + f] * r;
                    }
                }
            }
            psi[j] = new double[g.length];
            for (int e = 0; e < g.length; e++) {
                double vNext = (beta2 * v[e] + (1 - beta2) * g[e] * g[e]) / (1 - Math.pow(beta2, at + 1));
                psi[j][e] = 1 / (Math.sqrt(vNext) + eps);
            }
        }
        List<Double> logVar = new ArrayList<>();
        for (int e = 0; e < v.length; e++) {
            double vHat = v[e] / (1 - Math.pow(beta2, at));
            if (Math.sqrt(vHat) < 100 * eps) {
                continue;
            }
            double mean = 0;
            for (int j = 0; j < k; j++) {
                mean += psi[j][e] / k;
            }
            double ss = 0;
            for (int j = 0; j < k; j++) {
                ss += (psi[j][e] - mean) * (psi[j][e] - mean);
            }
            logVar.add(Math.log10(ss / (k - 1)));
        }
        double[] sorted = logVar.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertEquals(v.length, probe.get("coordinates").asLong());
        assertEquals(sorted.length, probe.get("included").asLong());
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        // the model runs in FLOAT: its gradients and ψ' carry float rounding (measured 3e-7 here), far below the spread across coordinates
        assertTrue(sorted.length > 50, "included " + sorted.length);
        assertEquals(median, probe.get("median_log10_var").asDouble(), 1e-5, Arrays.toString(Arrays.copyOf(sorted, 5)));
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
