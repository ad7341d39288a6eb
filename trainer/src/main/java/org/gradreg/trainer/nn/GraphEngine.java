package org.gradreg.trainer.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one graph engine of every model: a forward and backward pass written out over a
 * {@link Backend}, through a graph of {@link Layer}s (a DAG in creation order). The convolutional
 * layers ({@link Conv2d}, {@link BatchNorm2d} with optional ReLU and dropout, {@link MaxPool2d},
 * {@link GlobalAvgPool}, {@link Flatten}), the transformer's ({@link PatchEmbedding},
 * {@link LayerNorm}, {@link SelfAttention}, {@link Gelu}, {@link FirstToken}), the shared
 * {@link Dense} and {@link Residual}, and the linear head that {@link #finish} adds. The
 * architectures are short declarations in {@link Architectures}.
 *
 * <p>Memory: every layer's output lives in a buffer allocated once per batch size (a branch that
 * only feeds a residual sum may share one buffer with the other such branches,
 * {@link Layer#sharedOutput}); a batch norm that follows a convolution normalises that
 * convolution's output in place (backward only needs the convolution's input and the normalised
 * values); scratch that layers of one kind share (the attention's backward buffers) is allocated
 * once ({@link #shared}); gradients flow through a small pool of buffers per shape, taken and
 * returned during backward, also kept across passes. Nothing is allocated per step once the
 * buffers of a batch size exist.
 *
 * <p>Convolutions are the backend's ({@link Backend#conv2d}): on the CPU im2col into one shared
 * column buffer and one cblas GEMM per example (backward recomputes the columns, dW = Σ dY·colsᵀ,
 * dcols = Wᵀ·dY and col2im); see {@link org.gradreg.trainer.compute.CpuBackend} and
 * docs/trainer-benchmark.md for the measured costs.
 */
public final class GraphEngine implements Engine {

    /** Batch-norm ε and momentum, as torch's. */
    public static final double BN_EPS = 1e-5;
    public static final double BN_MOMENTUM = 0.1;

    /** How a batch becomes the input array (FLOAT; the engine casts it to its type). */
    @FunctionalInterface
    interface InputFormat {
        INDArray read(Batch batch);
    }

    private final String name;
    private String description;
    private final DataType type;
    private final int classes;
    private final InputFormat format;
    private final Backend be;
    private final ParamSet p;
    private final List<Layer> nodes = new ArrayList<>();
    private final List<DropoutSite> sites = new ArrayList<>();
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private final List<BatchNorm2d> batchNorms = new ArrayList<>();
    private final Layer.Input input;
    private Dense head;
    private final MaskSet maskSet;
    private final Map<String, ArrayDeque<Tensor>> free = new HashMap<>();
    private final Map<String, Tensor> sharedBuffers = new HashMap<>();
    private final java.util.Set<String> counted = new java.util.HashSet<>();
    private final List<Tensor> owned = new ArrayList<>();
    private int batch = -1;
    /** The input whose activation pattern is held fixed ({@link #freezeActivationPattern}), or null. */
    private INDArray frozenInput;
    private Tensor target;
    private INDArray hostLogits;

    /**
     * An empty graph whose input has the per-example shape {@code inputShape} ([C, H, W] images,
     * [D] rows, or [T, D] token rows), read from a batch by {@code format}.
     */
    GraphEngine(String spec, long[] inputShape, InputFormat format, int classes, Backend be, long seed) {
        this.name = spec;
        this.be = be;
        this.type = be.type();
        this.classes = classes;
        this.format = format;
        this.p = new ParamSet(be, seed);
        this.input = new Layer.Input(this, inputShape);
        this.maskSet = new MaskSet(be, sites);
    }

    /** An empty graph over channels×image² NCHW images ({@code flat}: as [N, channels·image²] rows). */
    static GraphEngine images(String spec, int channels, int image, int classes, Backend be, long seed, boolean flat) {
        long[] shape = flat ? new long[] {(long) channels * image * image} : new long[] {channels, image, image};
        InputFormat f = b -> {
            if (flat) {
                long d = (long) channels * image * image;
                if ((long) b.channels() * b.height() * b.width() != d) {
                    throw new IllegalArgumentException("the model expects " + channels + "x" + image + "x" + image + " images");
                }
                return Nd4j.createFromArray(b.images()).reshape(b.size(), d);
            }
            if (b.channels() != channels || b.height() != image || b.width() != image) {
                throw new IllegalArgumentException("the model expects " + channels + "x" + image + "x" + image + " images but the data has "
                        + b.channels() + "x" + b.height() + "x" + b.width());
            }
            return Nd4j.createFromArray(b.images()).reshape(b.size(), channels, image, image);
        };
        return new GraphEngine(spec, shape, f, classes, be, seed);
    }

    // ---- what the declarations and the layers use ----

    /** The input layer. */
    Layer input() {
        return input;
    }

    /**
     * Ends the declaration: the linear head {@code headName} on {@code features} (xavier-uniform
     * kernel, or zeros if {@code zeroHead}; zero bias); its output is the logits.
     */
    GraphEngine finish(Layer features, String headName, boolean zeroHead, String what) {
        if (features.shape.length != 1) {
            throw new IllegalStateException("the head needs [N, D] features, not " + Arrays.toString(features.shape));
        }
        head = new Dense(this, headName, features, classes, zeroHead, null);
        description = what;
        checkSharedOutputs();
        return this;
    }

    /** A dropout site of this rate (null when the rate is 0), registered in declaration order (drawn masks are seeded by it). */
    String site(String placeholder, double rate, IntFunction<long[]> shape) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        if (rate == 0) {
            return null;
        }
        sites.add(new DropoutSite(placeholder, rate, shape));
        return placeholder;
    }

    /** A layer with a shared output must feed only the next layer, a residual sum without ReLU (which does not read it in backward). */
    private void checkSharedOutputs() {
        for (int i = 0; i < nodes.size(); i++) {
            Layer n = nodes.get(i);
            if (!n.hasSharedOutput()) {
                continue;
            }
            Layer next = i + 1 < nodes.size() ? nodes.get(i + 1) : null;
            if (n.consumers != 1 || !(next instanceof Residual r) || r.relu() || !Arrays.asList(next.in).contains(n)) {
                throw new IllegalStateException("layer " + i + " shares its output buffer but does not feed only the next layer, a residual sum");
            }
        }
    }

    void add(Layer layer) {
        nodes.add(layer);
    }

    void addBatchNorm(String name, BatchNorm2d bn) {
        running.put(name + "/running_mean", bn.runMean);
        running.put(name + "/running_var", bn.runVar);
        batchNorms.add(bn);
    }

    ParamSet params() {
        return p;
    }

    Backend be() {
        return be;
    }

    /** The batch size of the buffers (of the pass under way). */
    int batch() {
        return batch;
    }

    static long[] full(long[] shape, int b) {
        long[] s = new long[shape.length + 1];
        s[0] = b;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    // ---- buffers ----

    Tensor own(long[] shape) {
        Tensor a = be.create(shape);
        owned.add(a);
        return a;
    }

    /**
     * The buffer of {@code role} and this shape shared by every layer that asks (kept until the
     * batch size changes), handed to {@code to}; in a dry run nothing is allocated. Returns its
     * element count the first time it is asked for in an allocation or estimate, 0 after.
     */
    long shared(String role, long[] shape, boolean dryRun, java.util.function.Consumer<Tensor> to) {
        String key = role + Arrays.toString(shape);
        if (dryRun) {
            return counted.add(key) ? Tensor.lengthOf(shape) : 0;
        }
        Tensor t = sharedBuffers.get(key);
        long n = 0;
        if (t == null) {
            t = own(shape);
            sharedBuffers.put(key, t);
            n = Tensor.lengthOf(shape);
        }
        to.accept(t);
        return n;
    }

    /** A gradient buffer shaped like x's output buffer (contents undefined), from the pool or new (then kept). */
    Tensor take(Layer x) {
        long[] shape = x.buffer(batch);
        ArrayDeque<Tensor> q = free.get(Arrays.toString(shape));
        Tensor a = q == null ? null : q.poll();
        return a != null ? a : own(shape);
    }

    /** Returns a buffer from {@link #take} to the pool. */
    void release(Tensor a) {
        free.computeIfAbsent(Arrays.toString(a.shape()), k -> new ArrayDeque<>()).push(a);
    }

    /** Hands {@code dx} to x as (part of) its gradient: the first contribution becomes x's buffer, later ones are added. */
    void deliver(Layer x, Tensor dx) {
        if (!x.needsGrad()) {
            release(dx);
        } else if (x.g == null) {
            x.g = dx;
        } else {
            be.addInPlace(x.g, dx);
            release(dx);
        }
    }

    private void buffers(int b) {
        if (b == batch) {
            return;
        }
        releaseBuffers();
        batch = b;
        for (Layer n : nodes) {
            n.allocate(b, false);
        }
        target = own(new long[] {b, classes});
        hostLogits = Nd4j.create(type, b, classes);
    }

    private void releaseBuffers() {
        for (Tensor a : owned) {
            be.free(a);
        }
        owned.clear();
        free.clear();
        sharedBuffers.clear();
        batch = -1;
    }

    /** Bytes of the buffers allocated so far (values, x̂, statistics and the gradient pool). */
    long allocatedBytes() {
        long n = 0;
        for (Tensor a : owned) {
            n += a.length();
        }
        return n * type.width();
    }

    /** The largest backend scratch (convolution columns) of one node at batch size b (not engine buffers). */
    long workspaceBytes(int b) {
        long work = 0;
        for (Layer node : nodes) {
            work = Math.max(work, node.workspace(b));
        }
        return work;
    }

    @Override
    public long activationBytes(int b) {
        long n = 0;
        long largest = 0;
        long work = 0;
        counted.clear();
        for (Layer node : nodes) {
            n += node.allocate(b, true);
            work = Math.max(work, node.workspace(b));
            if (node.needsGrad() || node.shape.length == 3) { // an image input: the first convolution's backward also writes an input-shaped buffer
                largest = Math.max(largest, b * node.size());
            }
        }
        counted.clear();
        // gradient pool: the gradient being consumed, one being accumulated (a residual stream),
        // a layer's fresh input gradient and a normalisation's scratch are alive at once, in up to
        // two shapes where a stage changes resolution; plus the target
        n += 6 * largest + (long) b * classes;
        for (DropoutSite s : sites) {
            n += ParamSet.size(s.shape().apply(b));
        }
        return n * type.width() + work;
    }

    // ---- passes ----

    private Map<String, Tensor> forward(INDArray x, Dropout dropout, boolean evaluation, boolean updateStatistics) {
        int b = Math.toIntExact(x.size(0) / (input.shape.length == 2 ? input.shape[0] : 1));
        if (frozenInput != null && (x != frozenInput || !evaluation)) {
            throw new IllegalStateException("the activation pattern is frozen for one input in evaluation mode; release it before "
                    + (evaluation ? "a pass on another input" : "a training pass"));
        }
        buffers(b);
        Map<String, Tensor> m = maskSet.prepare(dropout, b, evaluation);
        p.upload();
        for (BatchNorm2d bn : batchNorms) {
            be.upload(bn.runMean, bn.runMeanT);
            be.upload(bn.runVar, bn.runVarT);
        }
        be.upload(x, input.v);
        boolean update = updateStatistics && !evaluation;
        for (Layer n : nodes) {
            n.forward(evaluation, m, update);
        }
        if (update) {
            for (BatchNorm2d bn : batchNorms) {
                be.download(bn.runMeanT, bn.runMean);
                be.download(bn.runVarT, bn.runVar);
            }
        }
        return m;
    }

    @Override
    public Result lossAndGradients(INDArray x, INDArray targetHost, Dropout dropout, boolean evaluation, boolean updateStatistics) {
        Map<String, Tensor> m = forward(x, dropout, evaluation, updateStatistics);
        be.upload(targetHost, target);
        head.g = take(head);
        double loss = be.crossEntropy(head.v, target, head.g);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Layer n = nodes.get(i);
            if (n.g == null) {
                continue;
            }
            n.backward(evaluation, m);
            if (n.g != null) {
                release(n.g);
                n.g = null;
            }
        }
        p.downloadGradients();
        return new Result(loss, logits(), p.grads());
    }

    // ---- the activation pattern (Hessian measurements) ----

    /**
     * Records the activation pattern of {@code x} at the current parameters in evaluation mode (where
     * every ReLU's input is positive; which element of every max-pool window is the maximum) and holds
     * it: until {@link #releaseActivationPattern}, passes on this same array multiply by the recorded
     * 0/1 gates instead of applying ReLU and pool the recorded elements. The loss then is the smooth
     * function that agrees with the network on the linear piece containing the current parameters, so
     * its finite-difference Hessian-vector products converge (error O(h²)) to the Hessian that autograd
     * computes for the network (ReLU′ = 1[x &gt; 0], the max routed to its argmax: PyHessian's quantity);
     * with the pattern recomputed at θ ± h·v, a ReLU input or pool maximum that changes sign or place
     * between the two points adds an O(1/h) error (docs/experiments.md, "Flatness").
     */
    @Override
    public void freezeActivationPattern(INDArray x) {
        releaseActivationPattern();
        forward(x, Dropout.NONE, true, false);
        for (Layer n : nodes) {
            n.recordPattern();
        }
        frozenInput = x;
    }

    @Override
    public void releaseActivationPattern() {
        if (frozenInput == null) {
            return;
        }
        for (Layer n : nodes) {
            n.releasePattern();
        }
        frozenInput = null;
    }

    /** The gate of a ReLU whose output is y: 1 where y &gt; 0, else 0 (outside the engine's buffers: {@link #free} it). */
    Tensor reluGate(Tensor y) {
        Tensor gate = ones(y.shape());
        be.reluBackward(y, gate);
        return gate;
    }

    /** Frees a tensor made outside the engine's buffers (nothing if null); returns null. */
    Tensor free(Tensor t) {
        if (t != null) {
            be.free(t);
        }
        return null;
    }

    /** A new tensor of this shape filled with ones, outside the engine's buffers (the caller frees it). */
    Tensor ones(long[] shape) {
        Tensor t = be.create(shape);
        be.upload(Nd4j.ones(type, shape), t);
        return t;
    }

    @Override
    public Result loss(INDArray x, INDArray targetHost, Dropout dropout, boolean evaluation) {
        forward(x, dropout, evaluation, false);
        be.upload(targetHost, target);
        return new Result(be.crossEntropy(head.v, target, null), logits(), Map.of());
    }

    private INDArray logits() {
        be.download(head.v, hostLogits);
        return hostLogits;
    }

    @Override
    public INDArray input(Batch b) {
        INDArray a = format.read(b);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public Backend backend() {
        return be;
    }

    @Override
    public LinkedHashMap<String, INDArray> parameters() {
        return p.values();
    }

    @Override
    public List<DropoutSite> dropoutSites() {
        return sites;
    }

    @Override
    public Map<String, INDArray> runningStatistics() {
        return running;
    }

    @Override
    public void close() {
        releaseActivationPattern();
        releaseBuffers();
        maskSet.close();
        p.close();
        if (!be.device().isCpu()) {
            for (BatchNorm2d bn : batchNorms) {
                be.free(bn.runMeanT);
                be.free(bn.runVarT);
            }
        }
        be.close();
    }

    @Override
    public String toString() {
        return name + " (" + description + "; " + parameterCount() + " parameters, " + type + ")";
    }
}
