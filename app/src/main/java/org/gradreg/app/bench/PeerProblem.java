package org.gradreg.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.ExampleOracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small problem of the peer-equivalence bench (bench/peer_equivalence.py), in plain double
 * arithmetic: x → fc1 (torch Linear, weight [h, d]) → norm (LayerNorm over h, ε) → tanh → fc2
 * (Linear [c, h]) → cross-entropy, mean over the batch. Parameters carry torch's names
 * (fc1.weight, fc1.bias, norm.weight, norm.bias, fc2.weight, fc2.bias), so that name-based groups
 * (ASAM's "weight" tensors, SAM-ON's norm layers) select what they select in PyTorch. The data,
 * the initial parameters and the batch of each step come from the JSON file the script writes.
 * An {@link ExampleOracle}: per-example losses and subsets for ESAM's data selection.
 */
public final class PeerProblem implements ExampleOracle {

    private final double[][] x;
    private final int[] y;
    private final int d;
    private final int h;
    private final int c;
    private final double eps;
    private final int[][] batches;
    private final Params params;
    private int[] batch;

    private PeerProblem(JsonNode root) {
        JsonNode data = root.get("x");
        x = new double[data.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = doubles(data.get(i));
        }
        y = ints(root.get("y"));
        JsonNode shapes = root.get("shapes");
        h = shapes.get("fc1.weight").get(0).asInt();
        d = shapes.get("fc1.weight").get(1).asInt();
        c = shapes.get("fc2.weight").get(0).asInt();
        eps = root.get("layer_norm_eps").asDouble();
        JsonNode b = root.get("batches");
        batches = new int[b.size()][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = ints(b.get(i));
        }
        Map<String, INDArray> p = new LinkedHashMap<>();
        JsonNode init = root.get("init");
        for (String name : new String[] {"fc1.weight", "fc1.bias", "norm.weight", "norm.bias", "fc2.weight", "fc2.bias"}) {
            JsonNode s = shapes.get(name);
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).asLong();
            }
            p.put(name, Nd4j.createFromArray(doubles(init.get(name))).reshape(shape));
        }
        params = Params.of(p);
        batch = batches[0];
    }

    /** The problem in {@code file} (written by bench/peer_equivalence.py). */
    public static PeerProblem read(Path file) throws IOException {
        return new PeerProblem(new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()));
    }

    /** Steps with a batch of their own (the step's batch is {@code batches[step mod count]}). */
    public int batchCount() {
        return batches.length;
    }

    /** Sets the batch of optimizer step {@code step}. */
    public void setStep(long step) {
        batch = batches[(int) (step % batches.length)];
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private double[] flat(String name) {
        return params.get(name).dup('c').data().asDouble();
    }

    /** Loss of example {@code e}; with {@code grads} non-null, adds (scale × its gradient) into them (same order as the parameters). */
    private double example(int e, double scale, double[][] grads, double[][] w) {
        double[] w1 = w[0], b1 = w[1], gamma = w[2], beta = w[3], w2 = w[4], b2 = w[5];
        double[] xi = x[e];
        double[] pre = new double[h];
        for (int j = 0; j < h; j++) {
            double s = b1[j];
            for (int k = 0; k < d; k++) {
                s += w1[j * d + k] * xi[k];
            }
            pre[j] = s;
        }
        double mean = 0;
        for (double v : pre) {
            mean += v;
        }
        mean /= h;
        double var = 0;
        for (double v : pre) {
            var += (v - mean) * (v - mean);
        }
        var /= h;
        double inv = 1 / Math.sqrt(var + eps);
        double[] hat = new double[h];
        double[] act = new double[h];
        for (int j = 0; j < h; j++) {
            hat[j] = (pre[j] - mean) * inv;
            act[j] = Math.tanh(gamma[j] * hat[j] + beta[j]);
        }
        double[] out = new double[c];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            double s = b2[k];
            for (int j = 0; j < h; j++) {
                s += w2[k * h + j] * act[j];
            }
            out[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (double o : out) {
            sum += Math.exp(o - max);
        }
        double lse = max + Math.log(sum);
        double loss = lse - out[y[e]];
        if (grads == null) {
            return loss;
        }
        double[] dOut = new double[c];
        for (int k = 0; k < c; k++) {
            dOut[k] = (Math.exp(out[k] - lse) - (k == y[e] ? 1 : 0)) * scale;
            grads[5][k] += dOut[k];
        }
        double[] dAct = new double[h];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < h; j++) {
                grads[4][k * h + j] += dOut[k] * act[j];
                dAct[j] += dOut[k] * w2[k * h + j];
            }
        }
        double[] dHat = new double[h];
        double sumDHat = 0;
        double sumDHatHat = 0;
        for (int j = 0; j < h; j++) {
            double dz = dAct[j] * (1 - act[j] * act[j]);
            grads[2][j] += dz * hat[j];
            grads[3][j] += dz;
            dHat[j] = dz * gamma[j];
            sumDHat += dHat[j];
            sumDHatHat += dHat[j] * hat[j];
        }
        for (int j = 0; j < h; j++) {
            double dPre = inv * (dHat[j] - sumDHat / h - hat[j] * sumDHatHat / h);
            grads[1][j] += dPre;
            for (int k = 0; k < d; k++) {
                grads[0][j * d + k] += dPre * xi[k];
            }
        }
        return loss;
    }

    private double[][] weights() {
        double[][] w = new double[6][];
        int i = 0;
        for (String n : params.names()) {
            w[i++] = flat(n);
        }
        return w;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public int batchSize() {
        return batch.length;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        return evaluate(pass, 0, batch.length);
    }

    @Override
    public Evaluation evaluate(Pass pass, int from, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = from + i;
        }
        return evaluate(pass, idx);
    }

    @Override
    public double[] losses(Pass pass, int from, int count) {
        double[][] w = weights();
        double[] l = new double[count];
        for (int i = 0; i < count; i++) {
            l[i] = example(batch[from + i], 1, null, w);
        }
        return l;
    }

    @Override
    public Evaluation evaluate(Pass pass, int[] examples) {
        double[][] w = weights();
        double[][] g = new double[6][];
        for (int i = 0; i < 6; i++) {
            g[i] = new double[w[i].length];
        }
        double loss = 0;
        for (int e : examples) {
            loss += example(batch[e], 1.0 / examples.length, g, w) / examples.length;
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, INDArray> e : params) {
            out.put(e.getKey(), Nd4j.createFromArray(g[i++]).reshape(e.getValue().shape()));
        }
        return new Evaluation(loss, Params.of(out));
    }
}
