package org.gradreg.trainer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.NativeMemory;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.model.BatchNormStats;
import org.gradreg.trainer.model.DropoutSite;
import org.gradreg.trainer.model.Layers;
import org.gradreg.trainer.model.Network;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff {@link Network} as an optim {@link Oracle}: the loss and the gradients of all
 * trainable variables at their current values, on the batch set by {@link #setBatch}.
 *
 * <ul>
 *   <li>{@link #params()} wraps the variables' live arrays ({@code getArr()}), so estimators and
 *       update rules edit the network in place (never {@code setArrayForVariable}, whose new
 *       array the gradient graph would not see);</li>
 *   <li>every returned gradient is a copy in 'c' order (SameDiff reuses its arrays);</li>
 *   <li>the batch and the dropout masks are fixed until the next {@code setBatch}: every pass of
 *       a step (SAM/GR's perturbed pass, GNR's HVP passes) sees identical masks, drawn from a
 *       seeded Java stream per step and per dropout site;</li>
 *   <li>only {@link Pass#PRIMARY} passes record the batch's predictions (train error) and, for
 *       batch-norm models, update running statistics.</li>
 * </ul>
 */
public final class SameDiffOracle implements Oracle {

    private final Network net;
    private final Params params;
    private final Map<String, INDArray> feed = new HashMap<>();
    private final Map<String, INDArray> evalMasks = new HashMap<>();
    /** Running batch-norm statistics by placeholder name, updated in place from primary passes. */
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private int[] labels;
    private long evaluations;
    private boolean quietDone;
    private int lastCorrect;
    private int lastSize;

    public SameDiffOracle(Network net) {
        this.net = net;
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String v : net.trainable()) {
            p.put(v, net.sd().getVariable(v).getArr());
        }
        this.params = Params.of(p);
        for (DropoutSite s : net.dropoutSites()) {
            long[] shape = new long[s.shape().apply(1).length];
            java.util.Arrays.fill(shape, 1);
            evalMasks.put(s.placeholder(), Nd4j.ones(net.type(), shape));
        }
        for (BatchNormStats bn : net.batchNorms()) {
            running.put(bn.runningMean(), Nd4j.zeros(net.type(), 1, bn.channels(), 1, 1));
            running.put(bn.runningVar(), Nd4j.ones(net.type(), 1, bn.channels(), 1, 1));
        }
        if (!net.batchNorms().isEmpty()) {
            evalMasks.put(Layers.TRAINING, Nd4j.scalar(net.type(), 0.0));
            evalMasks.putAll(running);
        }
    }

    /** The running batch-norm statistics (live arrays, by placeholder name): part of a checkpoint. */
    public Map<String, INDArray> runningStatistics() {
        return running;
    }

    public Network network() {
        return net;
    }

    /** Oracle evaluations so far. */
    public long evaluations() {
        return evaluations;
    }

    /**
     * Sets the batch of the next step: its input, the label-smoothed targets and fresh dropout
     * masks from {@code maskSeed} (a pure function of the seed: a resumed run draws the same masks).
     */
    public void setBatch(Batch b, double labelSmoothing, long maskSeed) {
        feed.clear();
        feed.put(Network.INPUT, net.input(b));
        feed.put(Network.TARGET, targets(b.labels(), net.classes(), labelSmoothing, net.type()));
        labels = b.labels();
        List<DropoutSite> sites = net.dropoutSites();
        INDArray[] masks = new INDArray[sites.size()];
        IntStream.range(0, sites.size()).parallel().forEach(i -> masks[i] = mask(sites.get(i), b.size(), maskSeed, i, net.type()));
        for (int i = 0; i < masks.length; i++) {
            feed.put(sites.get(i).placeholder(), masks[i]);
        }
        if (!net.batchNorms().isEmpty()) {
            feed.put(Layers.TRAINING, Nd4j.scalar(net.type(), 1.0));
            feed.putAll(running);
        }
    }

    /** Inverted-dropout mask: 0 with probability rate, else 1/(1 − rate). */
    static INDArray mask(DropoutSite s, int batch, long seed, int site, DataType type) {
        long[] shape = s.shape().apply(batch);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] m = new float[Math.toIntExact(n)];
        SplittableRandom rng = new SplittableRandom(Batches.mix(seed, 0xD50L, site));
        float keep = (float) (1 / (1 - s.rate()));
        double rate = s.rate();
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < rate ? 0f : keep;
        }
        INDArray a = Nd4j.createFromArray(m).reshape(shape);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    /** One-hot targets with label smoothing ε: (1 − ε)·onehot + ε/C. */
    public static INDArray targets(int[] labels, int classes, double smoothing, DataType type) {
        float[] t = new float[labels.length * classes];
        float off = (float) (smoothing / classes);
        java.util.Arrays.fill(t, off);
        for (int i = 0; i < labels.length; i++) {
            t[i * classes + labels[i]] = (float) (1 - smoothing + off);
        }
        INDArray a = Nd4j.createFromArray(t).reshape(labels.length, classes);
        if (type != DataType.FLOAT) {
            // exact values in double, not float-rounded ones
            INDArray d = Nd4j.zeros(type, labels.length, classes).addi(smoothing / classes);
            for (int i = 0; i < labels.length; i++) {
                d.putScalar(i, labels[i], 1 - smoothing + smoothing / classes);
            }
            return d;
        }
        return a;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        if (labels == null) {
            throw new IllegalStateException("no batch set: call setBatch before evaluate");
        }
        List<String> outs = new ArrayList<>(List.of(Network.LOSS));
        boolean training = !net.batchNorms().isEmpty() && feed.get(Layers.TRAINING).getDouble(0) == 1.0;
        if (pass == Pass.PRIMARY) {
            outs.add(Network.LOGITS);
            if (training) {
                for (BatchNormStats bn : net.batchNorms()) {
                    outs.add(bn.batchMean());
                    outs.add(bn.batchVar());
                    outs.add(bn.count());
                }
            }
        }
        // a large model's pass leaves gigabytes of freed-but-uncollected native arrays: collect per pass, not only per step
        NativeMemory.collectIfAbove();
        OutAndGrad r = quietly(() -> net.sd().calculateGradientsAndOutputs(feed, outs, net.trainable()));
        evaluations++;
        double loss = r.getOutputs().get(Network.LOSS).getDouble(0);
        Map<String, INDArray> g = new LinkedHashMap<>();
        Map<String, INDArray> grads = r.getGradients();
        for (String v : net.trainable()) {
            INDArray gv = grads.get(v);
            if (gv == null) {
                throw new IllegalStateException("no gradient for trainable variable '" + v + "'");
            }
            g.put(v, gv.dup('c'));
        }
        if (pass == Pass.PRIMARY) {
            lastCorrect = correct(r.getOutputs().get(Network.LOGITS), labels);
            lastSize = labels.length;
            if (training) {
                updateRunningStatistics(r.getOutputs());
            }
        }
        return new Evaluation(loss, Params.of(g));
    }

    /** running ← (1 − m)·running + m·batch, the variance unbiased (×n/(n − 1), n = N·H·W), as torch. */
    private void updateRunningStatistics(Map<String, INDArray> outputs) {
        for (BatchNormStats bn : net.batchNorms()) {
            INDArray mean = outputs.get(bn.batchMean());
            INDArray var = outputs.get(bn.batchVar());
            double n = outputs.get(bn.count()).getDouble(0);
            double m = bn.momentum();
            running.get(bn.runningMean()).muli(1 - m).addi(mean.reshape(1, bn.channels(), 1, 1).mul(m));
            running.get(bn.runningVar()).muli(1 - m).addi(var.reshape(1, bn.channels(), 1, 1).mul(m * n / Math.max(1.0, n - 1)));
        }
    }

    /** Correct top-1 predictions of the last primary pass, and its batch size. */
    public int[] lastPrimaryCorrect() {
        return new int[] {lastCorrect, lastSize};
    }

    /** Mean loss (unsmoothed cross-entropy) and top-1 error over a data set in evaluation mode (no dropout). */
    public double[] lossAndError(Batches eval) {
        double loss = 0;
        long wrong = 0;
        long n = 0;
        Map<String, INDArray> f = new HashMap<>(evalMasks);
        f.putAll(running);
        for (int i = 0; i < eval.count(); i++) {
            Batch b = eval.get(0, i);
            f.put(Network.INPUT, net.input(b));
            f.put(Network.TARGET, targets(b.labels(), net.classes(), 0, net.type()));
            NativeMemory.collectIfAbove();
            Map<String, INDArray> out = net.sd().output(f, Network.LOSS, Network.LOGITS);
            loss += out.get(Network.LOSS).getDouble(0) * b.size();
            wrong += b.size() - correct(out.get(Network.LOGITS), b.labels());
            n += b.size();
        }
        return new double[] {loss / n, (double) wrong / n};
    }

    /** The loss on the current batch in evaluation mode (no dropout), without gradients. */
    public double evalLoss() {
        Map<String, INDArray> f = new HashMap<>(feed);
        f.putAll(evalMasks);
        f.putAll(running);
        return net.sd().output(f, Network.LOSS).get(Network.LOSS).getDouble(0);
    }

    /** This oracle with dropout switched off (masks of ones): evaluation mode, e.g. for Hessian metrics. */
    public void evaluationMode() {
        feed.putAll(evalMasks);
        feed.putAll(running);
    }

    static int correct(INDArray logits, int[] labels) {
        INDArray pred = logits.argMax(1);
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            if (pred.getInt(i) == labels[i]) {
                c++;
            }
        }
        return c;
    }

    /** SameDiff prints one line per op to stdout when it first builds a gradient graph: silence that. */
    private <T> T quietly(java.util.function.Supplier<T> f) {
        if (quietDone) {
            return f.get();
        }
        PrintStream out = System.out;
        synchronized (System.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                return f.get();
            } finally {
                System.setOut(out);
                quietDone = true;
            }
        }
    }

    /** Copies of the trainable arrays, by name. */
    public Map<String, INDArray> snapshot() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : params) {
            m.put(e.getKey(), e.getValue().dup());
        }
        return m;
    }

    /** Names of the trainable variables. */
    public List<String> names() {
        return new ArrayList<>(net.trainable());
    }
}
