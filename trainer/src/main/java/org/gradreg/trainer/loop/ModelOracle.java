package org.gradreg.trainer.loop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.optim.MemoryProbe;
import org.gradreg.optim.NativeMemory;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.optim.SplitOracle;
import org.gradreg.trainer.compute.Nd4jMasks;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.nn.Dropout;
import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.Engine;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model ({@link Engine}) as an optim {@link Oracle}: the loss and the gradients of all parameters
 * at their current values, on the batch set by {@link #setBatch}.
 *
 * <ul>
 *   <li>{@link #params()} wraps the engine's live arrays, so estimators and update rules edit the
 *       model in place;</li>
 *   <li>every returned gradient is a fresh 'c'-order array (the engine reuses its buffers);</li>
 *   <li>the batch and the dropout masks are fixed until the next {@code setBatch}: every pass of
 *       a step (SAM/GR's perturbed pass, GNR's HVP passes) sees identical masks, drawn from a
 *       seed per step, micro-batch and dropout site — on the host by ND4J's generator
 *       ({@link MaskSource#HOST}, the CPU default) or where the model runs by the counter-based
 *       generator of {@link Dropout.Drawn} ({@link MaskSource#DEVICE}, the GPU default: no mask
 *       crosses the bus);</li>
 *   <li>gradient accumulation: with {@code accumulate = K} the batch is split into K equal
 *       micro-batches and every evaluation returns the mean of their losses and gradients — the
 *       full-batch loss and gradient, so SAM's and GR's perturbation uses the full-batch g₁ and the
 *       perturbed gradient is accumulated over the same micro-batches with the same masks;</li>
 *   <li>only {@link Pass#PRIMARY} passes record the batch's predictions (train error) and, for
 *       batch-norm models, update running statistics;</li>
 *   <li>as a {@link SplitOracle} it evaluates whole micro-batches on their own (the estimators'
 *       per-micro-batch perturbation scope): the mean over micro-batches k … k + j − 1, with their
 *       masks; primary passes over consecutive parts add up to the batch's train error.</li>
 * </ul>
 */
public final class ModelOracle implements SplitOracle {

    private final Engine engine;
    private final Params params;
    private final int accumulate;
    private final List<Micro> micro = new ArrayList<>();
    private final List<Map<String, INDArray>> maskBuffers = new ArrayList<>();
    private final org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(0);
    private long evaluations;
    /**
     * The collection policy before each batch (optim's {@link NativeMemory.Growth} over the host's
     * {@link MemoryProbe}): a growth of resident memory by 256 MB plus the activations of 8 examples
     * since the last collection triggers one.
     */
    private final NativeMemory.Growth collector;
    private boolean evaluation;
    private int lastCorrect;
    private int lastSize;

    private final MaskSource maskSource;

    /** Where dropout masks are drawn. */
    public enum MaskSource {
        /** On the host, by ND4J's native generator (uploaded to a GPU before each pass). */
        HOST,
        /** Where the model runs, by the counter-based generator {@link org.gradreg.trainer.compute.DropoutHash}. */
        DEVICE;

        /** The default for an engine: host masks on the CPU, device masks elsewhere. */
        public static MaskSource defaultFor(Engine e) {
            return e.backend().device().isCpu() ? HOST : DEVICE;
        }

        /** host | device (case-insensitive); a bad value is one line naming it. */
        public static MaskSource parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "host" -> HOST;
                case "device" -> DEVICE;
                default -> throw new IllegalArgumentException("dropout masks must be host or device, got '" + s + "'");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One micro-batch: input, targets, labels and dropout masks. */
    private record Micro(INDArray input, INDArray target, int[] labels, Dropout masks) {
    }

    public ModelOracle(Engine engine) {
        this(engine, 1);
    }

    /** An oracle that splits each batch into {@code accumulate} micro-batches (gradient accumulation), masks where the engine's default says. */
    public ModelOracle(Engine engine, int accumulate) {
        this(engine, accumulate, MaskSource.defaultFor(engine));
    }

    /** An oracle that splits each batch into {@code accumulate} micro-batches and draws dropout masks from {@code masks}. */
    public ModelOracle(Engine engine, int accumulate, MaskSource masks) {
        this.maskSource = masks;
        if (accumulate < 1) {
            throw new IllegalArgumentException("accumulate must be >= 1, got " + accumulate);
        }
        this.engine = engine;
        this.accumulate = accumulate;
        this.params = Params.of(engine.parameters());
        this.collector = new NativeMemory.Growth(MemoryProbe.host(), (256L << 20) + Math.max(0, engine.activationBytes(1)) * 8);
    }

    public Engine engine() {
        return engine;
    }

    /** Where this oracle's dropout masks are drawn. */
    public MaskSource maskSource() {
        return maskSource;
    }

    /** The running batch-norm statistics (live arrays, by name): part of a checkpoint. */
    public Map<String, INDArray> runningStatistics() {
        return engine.runningStatistics();
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
        if (patternFrozen) {
            throw new IllegalStateException("the activation pattern is frozen for the current batch: release it before setting another");
        }
        collector.collectIfGrown();
        if (b.size() % accumulate != 0) {
            throw new IllegalArgumentException("batch of " + b.size() + " cannot be split into " + accumulate + " equal micro-batches");
        }
        micro.clear();
        int m = b.size() / accumulate;
        for (int k = 0; k < accumulate; k++) {
            Batch part = accumulate == 1 ? b : slice(b, k * m, m);
            long seed = accumulate == 1 ? maskSeed : Batches.mix(maskSeed, 0xACCL, k);
            Dropout d = maskSource == MaskSource.HOST ? new Dropout.Host(masks(k, part.size(), seed)) : new Dropout.Drawn(seed);
            micro.add(new Micro(engine.input(part), targets(part.labels(), engine.classes(), labelSmoothing, engine.type()),
                    part.labels(), d));
        }
    }

    private static Batch slice(Batch b, int from, int n) {
        int per = b.channels() * b.height() * b.width();
        float[] img = java.util.Arrays.copyOfRange(b.images(), from * per, (from + n) * per);
        int[] lab = java.util.Arrays.copyOfRange(b.labels(), from, from + n);
        return new Batch(img, lab, n, b.channels(), b.height(), b.width());
    }

    /** The masks of micro-batch k, drawn into the arrays of the previous step when the shapes allow (no new memory per step). */
    private Map<String, INDArray> masks(int k, int batch, long seed) {
        List<DropoutSite> sites = engine.dropoutSites();
        while (maskBuffers.size() <= k) {
            maskBuffers.add(new HashMap<>());
        }
        Map<String, INDArray> m = maskBuffers.get(k);
        for (int i = 0; i < sites.size(); i++) {
            DropoutSite s = sites.get(i);
            long[] shape = s.shape().apply(batch);
            INDArray a = m.get(s.placeholder());
            if (a == null || !java.util.Arrays.equals(a.shape(), shape)) {
                a = Nd4j.create(engine.type(), shape);
                m.put(s.placeholder(), a);
            }
            fill(a, s.rate(), Batches.mix(seed, 0xD50L, i));
        }
        return m;
    }

    /**
     * Inverted-dropout mask: 0 with probability rate, else 1/(1 − rate), from ND4J's counter-based
     * generator seeded with a pure function of (step seed, site): the same masks on every run and
     * every resume ({@link Nd4jMasks}: computed in Java, bit-identical to ND4J's op).
     */
    private INDArray fill(INDArray a, double rate, long seed) {
        Nd4jMasks.fill(a, rate, rng, seed);
        return a;
    }

    /** One-hot targets with label smoothing ε: (1 − ε)·onehot + ε/C. */
    public static INDArray targets(int[] labels, int classes, double smoothing, DataType type) {
        if (type != DataType.FLOAT) {
            // exact values in double, not float-rounded ones
            INDArray d = Nd4j.zeros(type, labels.length, classes).addi(smoothing / classes);
            for (int i = 0; i < labels.length; i++) {
                d.putScalar(i, labels[i], 1 - smoothing + smoothing / classes);
            }
            return d;
        }
        float[] t = new float[labels.length * classes];
        float off = (float) (smoothing / classes);
        java.util.Arrays.fill(t, off);
        for (int i = 0; i < labels.length; i++) {
            t[i * classes + labels[i]] = (float) (1 - smoothing + off);
        }
        return Nd4j.createFromArray(t).reshape(labels.length, classes);
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        return evaluate(pass, 0, batchSize());
    }

    @Override
    public int batchSize() {
        return micro.size() * microBatchSize();
    }

    @Override
    public int microBatchSize() {
        if (micro.isEmpty()) {
            throw new IllegalStateException("no batch set: call setBatch before evaluate");
        }
        return micro.get(0).labels().length;
    }

    /** The mean over the micro-batches that examples [from, from + count) make up (whole micro-batches only). */
    @Override
    public Evaluation evaluate(Pass pass, int from, int count) {
        int m = microBatchSize();
        if (from % m != 0 || count % m != 0 || count <= 0 || from < 0 || from + count > batchSize()) {
            throw new IllegalArgumentException("the model oracle evaluates whole micro-batches of " + m + " examples, not examples ["
                    + from + ", " + (from + count) + ") of " + batchSize() + " (--accumulate sets the micro-batches)");
        }
        int parts = count / m;
        boolean primary = pass == Pass.PRIMARY;
        double loss = 0;
        int correct = 0;
        int size = 0;
        Map<String, INDArray> g = new LinkedHashMap<>();
        for (Micro mb : micro.subList(from / m, from / m + parts)) {
            Engine.Result r = engine.lossAndGradients(mb.input(), mb.target(), mb.masks(), evaluation, primary);
            loss += r.loss() / parts;
            for (Map.Entry<String, INDArray> e : engine.parameters().entrySet()) {
                INDArray gv = r.gradients().get(e.getKey());
                if (gv == null) {
                    throw new IllegalStateException("no gradient for parameter '" + e.getKey() + "'");
                }
                INDArray acc = g.get(e.getKey());
                if (acc == null) {
                    acc = gv.dup('c');
                    g.put(e.getKey(), acc);
                    if (parts > 1) {
                        acc.divi(parts);
                    }
                } else {
                    acc.addi(gv.div(parts));
                }
            }
            if (primary) {
                correct += correct(r.logits(), mb.labels());
                size += mb.labels().length;
            }
        }
        evaluations++;
        if (primary) {
            // a part after the first adds to the batch's count (scope=micro: one primary pass per micro-batch)
            lastCorrect = from == 0 ? correct : lastCorrect + correct;
            lastSize = from == 0 ? size : lastSize + size;
        }
        return new Evaluation(loss, Params.of(g));
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
        for (int i = 0; i < eval.count(); i++) {
            Batch b = eval.get(0, i);
            Engine.Result r = engine.loss(engine.input(b), targets(b.labels(), engine.classes(), 0, engine.type()), Map.of(), true);
            loss += r.loss() * b.size();
            wrong += b.size() - correct(r.logits(), b.labels());
            n += b.size();
        }
        return new double[] {loss / n, (double) wrong / n};
    }

    /** The loss on the current batch in evaluation mode (no dropout), without gradients. */
    public double evalLoss() {
        double loss = 0;
        for (Micro mb : micro) {
            loss += engine.loss(mb.input(), mb.target(), Map.of(), true).loss() / accumulate;
        }
        return loss;
    }

    /** From now on every evaluation is in evaluation mode (no dropout, running statistics), e.g. for Hessian metrics. */
    public void evaluationMode() {
        evaluation = true;
    }

    private boolean patternFrozen;

    /**
     * Holds the model's activation pattern on the current batch at the current parameters fixed
     * ({@link Engine#freezeActivationPattern}): the evaluations that follow differentiate the smooth
     * piece of the loss that contains these parameters, so that finite-difference Hessian-vector
     * products are exact up to O(h²) on ReLU and max-pool networks. Needs evaluation mode and one
     * micro-batch; {@link #setBatch} is refused until {@link #releaseActivationPattern}.
     */
    public void freezeActivationPattern() {
        if (!evaluation) {
            throw new IllegalStateException("the activation pattern is frozen in evaluation mode only: call evaluationMode() first");
        }
        if (micro.size() != 1) {
            throw new IllegalStateException("the activation pattern is frozen for one micro-batch, not " + micro.size() + " (accumulate 1)");
        }
        engine.freezeActivationPattern(micro.get(0).input());
        patternFrozen = true;
    }

    /** Ends {@link #freezeActivationPattern}. */
    public void releaseActivationPattern() {
        engine.releaseActivationPattern();
        patternFrozen = false;
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

    /** Copies of the parameter arrays, by name. */
    public Map<String, INDArray> snapshot() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : params) {
            m.put(e.getKey(), e.getValue().dup());
        }
        return m;
    }

    /** Names of the parameters. */
    public List<String> names() {
        return new ArrayList<>(engine.parameters().keySet());
    }
}
