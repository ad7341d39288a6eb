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
import org.gradreg.trainer.compute.ConvShape;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutional models (ResNet-18 with the CIFAR stem, WideResNet, VGG16-BN) and the
 * {@code linear} softmax regression with a hand-written forward and backward pass over a
 * {@link Backend}. Each architecture is declared once ({@link #resnet18}, {@link #wideResnet},
 * {@link #vgg16}, {@link #linear}) as a small graph of layer nodes (conv, batch norm with optional
 * ReLU and dropout, residual add, max pool, global average pool, linear head) with the same
 * parameter names, shapes, creation order and seeded initialisation as the SameDiff reference
 * graphs of the tests, so the same spec and seed give the same weights.
 *
 * <p>Memory: every node's output lives in a buffer allocated once per batch size; a batch norm
 * that follows a convolution normalises that convolution's output in place (backward only needs
 * the convolution's input and the normalised values); gradients flow through a small pool of
 * buffers per shape, taken and returned during backward, also kept across passes.
 *
 * <p>Convolutions are the backend's ({@link Backend#conv2d}): on the CPU ND4J's im2col into one
 * shared column buffer and one cblas GEMM per example (backward recomputes the columns, dW = Σ
 * dY·colsᵀ, dcols = Wᵀ·dY and col2im). Measured on the CPU (ResNet-18 CIFAR shapes, batch 32, FLOAT,
 * 2 shared cores, OMP_WAIT_POLICY=PASSIVE): one 3×3 convolution of 64 channels at 32×32 took
 * 0.4-0.7 s forward and 2.1-2.3 s backward through ND4J's native conv2d / conv2d_bp ops, and
 * 0.11-0.16 s (im2col) + 0.12-0.17 s (GEMMs) forward this way; a whole ResNet-18 AdamW step took
 * 6.2-6.4 s with im2col + GEMM, 13-14 s with the native ops.
 */
public final class ConvEngine implements Engine {

    /** Batch-norm ε and momentum, as torch's. */
    public static final double BN_EPS = 1e-5;
    public static final double BN_MOMENTUM = 0.1;

    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private final String name;
    private String description;
    private final DataType type;
    private final int classes;
    private final int channels;
    private final int image;
    private final boolean flat;
    private final Backend be;
    private final ParamSet p;
    private final List<Node> nodes = new ArrayList<>();
    private final List<DropoutSite> sites = new ArrayList<>();
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private final List<Bn> batchNorms = new ArrayList<>();
    private final Input input;
    private Head head;
    private final MaskSet maskSet;
    private final Map<String, ArrayDeque<Tensor>> free = new HashMap<>();
    private final List<Tensor> owned = new ArrayList<>();
    private int batch = -1;
    private Tensor target;
    private Tensor dlogits;
    private INDArray hostLogits;

    private ConvEngine(String spec, int channels, int image, int classes, Backend be, long seed, boolean flat) {
        this.name = spec;
        this.be = be;
        this.type = be.type();
        this.classes = classes;
        this.channels = channels;
        this.image = image;
        this.flat = flat;
        this.p = new ParamSet(be, seed);
        this.input = flat ? new Input(new long[] {(long) channels * image * image}) : new Input(new long[] {channels, image, image});
        this.maskSet = new MaskSet(be, sites);
    }

    private ConvEngine finish(Node features, String what) {
        head = new Head(flat ? "linear" : "fc", features);
        description = what;
        return this;
    }

    // ---- the architectures (creation order = the SameDiff reference graphs' order) ----

    /** Softmax regression on the flattened image. */
    public static ConvEngine linear(String spec, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, true);
        return e.finish(e.input, "softmax regression on " + channels + "x" + image + "x" + image);
    }

    /** ResNet-18, CIFAR stem: conv3×3-BN-ReLU, four stages of basic blocks (w, 2w, 4w, 8w channels), global average pool. */
    public static ConvEngine resnet18(String spec, int width, int blocks, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        Node x = e.new Bn("stem/bn", e.new Conv("stem/conv", e.input, width, 3, 1), true, null);
        for (int s = 0; s < 4; s++) {
            int out = width << s;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                int in = (int) x.shape[0];
                Node y = e.new Bn(q + "/bn1", e.new Conv(q + "/conv1", x, out, 3, stride), true, null);
                y = e.new Bn(q + "/bn2", e.new Conv(q + "/conv2", y, out, 3, 1), false, null);
                Node shortcut = stride == 1 && in == out ? x
                        : e.new Bn(q + "/shortcut_bn", e.new Conv(q + "/shortcut", x, out, 1, stride), false, null);
                x = e.new Add(y, shortcut, true);
            }
        }
        return e.finish(e.new Gap(x), "ResNet CIFAR stem, width " + width + ", " + blocks + " blocks per stage");
    }

    /** WideResNet: conv3×3(16), three stages of pre-activation blocks (16k, 32k, 64k channels), BN-ReLU, global average pool. */
    public static ConvEngine wideResnet(String spec, int depth, int widen, double dropout, int channels, int image, int classes, Backend be,
                                        long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        int blocks = (depth - 4) / 6;
        Node x = e.new Conv("stem/conv", e.input, 16, 3, 1);
        for (int s = 0; s < 3; s++) {
            int out = (16 << s) * widen;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                int in = (int) x.shape[0];
                Node pre = e.new Bn(q + "/bn1", x, true, null);
                Node y = e.new Conv(q + "/conv1", pre, out, 3, stride);
                final int side = image >> s;
                y = e.new Bn(q + "/bn2", y, true, e.site("dropout/" + q, dropout, n -> new long[] {n, out, side, side}));
                y = e.new Conv(q + "/conv2", y, out, 3, 1);
                Node shortcut = stride == 1 && in == out ? x : e.new Conv(q + "/shortcut", pre, out, 1, stride);
                x = e.new Add(y, shortcut, false);
            }
        }
        Node f = e.new Bn("final/bn", x, true, null);
        return e.finish(e.new Gap(f), "WideResNet-" + depth + "-" + widen + (dropout > 0 ? ", dropout " + dropout : ""));
    }

    /** VGG16-BN, CIFAR variant: thirteen conv3×3-BN-ReLU layers and five 2×2 max pools, global average pool. */
    public static ConvEngine vgg16(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        Node x = e.input;
        int conv = 0;
        for (int c : VGG16) {
            if (c == 0) {
                x = e.new MaxPool(x);
                continue;
            }
            int out = (int) Math.max(1, (long) c * width / 64);
            String q = "conv" + conv++;
            x = e.new Bn(q + "/bn", e.new Conv(q + "/conv", x, out, 3, 1), true, null);
        }
        return e.finish(e.new Gap(x), "VGG16-BN, width " + width);
    }

    /**
     * The small CNN of the Fashion-MNIST experiments: two stages of two conv3×3-BN-ReLU layers
     * (w then 2w channels), each stage ending in a 2×2 max pool, then the flattened 2w×(H/4)×(W/4)
     * features into a linear head. At w = 32 on 1×28×28 with 10 classes: 96,554 parameters
     * (convolutions 65,184 with BN, head 31,370).
     */
    public static ConvEngine cnnSmall(String spec, int width, int channels, int image, int classes, Backend be, long seed) {
        ConvEngine e = new ConvEngine(spec, channels, image, classes, be, seed, false);
        Node x = e.input;
        for (int s = 0; s < 2; s++) {
            int out = width << s;
            for (int c = 0; c < 2; c++) {
                String q = "stage" + (s + 1) + "/conv" + (c + 1);
                x = e.new Bn(q + "/bn", e.new Conv(q + "/conv", x, out, 3, 1), true, null);
            }
            x = e.new MaxPool(x);
        }
        return e.finish(e.new Flatten(x), "small CNN, width " + width + " (conv-BN-ReLU x2, max pool, x2), flatten, linear head");
    }

    private String site(String placeholder, double rate, IntFunction<long[]> shape) {
        if (rate <= 0) {
            return null;
        }
        if (rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        sites.add(new DropoutSite(placeholder, rate, shape));
        return placeholder;
    }

    // ---- the nodes ----

    /** A layer's output: shape per example, output buffer {@code v}, gradient {@code g} (from the pool, during backward). */
    private abstract class Node {
        final long[] shape;
        final Node[] in;
        int consumers;
        Tensor v;
        Tensor g;

        Node(long[] shape, Node... in) {
            this.shape = shape;
            this.in = in;
            for (Node n : in) {
                n.consumers++;
            }
            nodes.add(this);
        }

        long size() {
            return ParamSet.size(shape);
        }

        /** Allocates this node's buffers for a batch size; returns their element count. */
        long allocate(int b, boolean dryRun) {
            if (!dryRun) {
                v = own(full(shape, b));
            }
            return b * size();
        }

        abstract void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics);

        /** Consumes {@code g} (the gradient of the output) and delivers the inputs' gradients. */
        abstract void backward(boolean evaluation, Map<String, Tensor> masks);

        boolean needsGrad() {
            return true;
        }

        /** Backend scratch bytes this node needs at batch size b. */
        long workspace(int b) {
            return 0;
        }
    }

    private final class Input extends Node {
        Input(long[] shape) {
            super(shape);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
        }

        @Override
        boolean needsGrad() {
            return false;
        }
    }

    /** k×k convolution, stride s, zero padding (k − 1)/2, no bias; kernel [k, k, in, out] He-normal. */
    private final class Conv extends Node {
        final ParamSet.Param w;
        final ConvShape geometry;

        Conv(String name, Node x, int out, int k, int stride) {
            super(convShape(x.shape, out, k, stride), x);
            long cin = x.shape[0];
            this.w = p.he(name + "/kernel", (long) k * k * cin, k, k, cin, out);
            this.geometry = new ConvShape(1, (int) cin, (int) x.shape[1], (int) x.shape[2], out, k, stride, (k - 1) / 2);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            be.conv2d(geometry.withBatch(batch), in[0].v, w.value(), v);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            Tensor dx = in[0].needsGrad() ? take(in[0].shape) : null;
            be.conv2dBackward(geometry.withBatch(batch), in[0].v, w.value(), g, w.grad(), dx);
            if (dx != null) {
                deliver(in[0], dx);
            }
        }

        @Override
        long workspace(int b) {
            return be.convWorkspaceBytes(geometry.withBatch(b));
        }
    }

    /**
     * Batch norm over (N, H, W), then optionally ReLU and dropout (mask by {@code site}). Training:
     * the batch's mean and biased variance, running statistics moved by momentum with the unbiased
     * variance when asked; evaluation: the running statistics. x̂ is kept for backward, in the
     * input's buffer when the input is a convolution read by nothing else.
     */
    private final class Bn extends Node {
        final ParamSet.Param gamma;
        final ParamSet.Param beta;
        final INDArray runMean;
        final INDArray runVar;
        final Tensor runMeanT;
        final Tensor runVarT;
        final boolean relu;
        final String site;
        final boolean inPlace;
        final long c;
        Tensor xhat;
        Backend.BatchNormTensors t;

        Bn(String name, Node x, boolean relu, String site) {
            super(x.shape, x);
            this.c = x.shape[0];
            this.gamma = p.ones(name + "/scale", 1, c, 1, 1);
            this.beta = p.zeros(name + "/bias", 1, c, 1, 1);
            this.runMean = Nd4j.zeros(type, 1, c, 1, 1);
            this.runVar = Nd4j.ones(type, 1, c, 1, 1);
            this.runMeanT = be.mirror(runMean);
            this.runVarT = be.mirror(runVar);
            running.put(name + "/running_mean", runMean);
            running.put(name + "/running_var", runVar);
            this.relu = relu;
            this.site = site;
            this.inPlace = x instanceof Conv;
            batchNorms.add(this);
        }

        @Override
        long allocate(int b, boolean dryRun) {
            long n = super.allocate(b, dryRun);
            boolean reuse = inPlace && in[0].consumers == 1;
            if (!dryRun) {
                // a convolution feeding only this layer: its output buffer becomes x̂
                xhat = reuse ? in[0].v : own(full(shape, b));
                t = new Backend.BatchNormTensors(gamma.value().reshape(c), beta.value().reshape(c), gamma.grad().reshape(c),
                        beta.grad().reshape(c), runMeanT.reshape(c), runVarT.reshape(c), own(new long[] {c}), own(new long[] {c}),
                        own(new long[] {c}), own(new long[] {c}));
            }
            return n + (reuse ? 0 : b * size()) + 4 * c;
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            Tensor mask = site == null || evaluation ? null : masks.get(site);
            be.batchNormForward(in[0].v, xhat, v, t, evaluation, updateStatistics, BN_MOMENTUM, BN_EPS, relu, mask);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            Tensor mask = site == null || evaluation ? null : masks.get(site);
            Tensor dx = take(shape);
            be.batchNormBackward(g, v, xhat, dx, t, evaluation, relu, mask);
            deliver(in[0], dx);
        }
    }

    /** a + b, optionally followed by ReLU. */
    private final class Add extends Node {
        final boolean relu;

        Add(Node a, Node b, boolean relu) {
            super(a.shape, a, b);
            if (!Arrays.equals(a.shape, b.shape)) {
                throw new IllegalStateException("residual shapes differ: " + Arrays.toString(a.shape) + " vs " + Arrays.toString(b.shape));
            }
            this.relu = relu;
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            be.add(in[0].v, in[1].v, v);
            if (relu) {
                be.relu(v);
            }
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            if (relu) {
                be.reluBackward(v, g);
            }
            Node b = in[1];
            if (b.needsGrad()) {
                if (b.g == null) {
                    b.g = take(b.shape);
                    be.copy(g, b.g);
                } else {
                    be.addInPlace(b.g, g);
                }
            }
            Tensor mine = g;
            g = null;
            deliver(in[0], mine);
        }
    }

    /** 2×2 max pooling, stride 2 (NCHW). */
    private final class MaxPool extends Node {
        MaxPool(Node x) {
            super(new long[] {x.shape[0], x.shape[1] / 2, x.shape[2] / 2}, x);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            be.maxPool2(in[0].v, v);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            Tensor dx = take(in[0].shape);
            be.maxPool2Backward(in[0].v, g, dx);
            deliver(in[0], dx);
        }
    }

    /** Global average pooling: [N, C, H, W] → [N, C]. */
    private final class Gap extends Node {
        Gap(Node x) {
            super(new long[] {x.shape[0]}, x);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            be.globalAvgPool(in[0].v, v);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            Tensor dx = take(in[0].shape);
            be.globalAvgPoolBackward(g, dx);
            deliver(in[0], dx);
        }
    }

    /** [N, C, H, W] → [N, C·H·W] rows (channel-major), a copy into its own buffer (the GEMMs read whole arrays). */
    private final class Flatten extends Node {
        Flatten(Node x) {
            super(new long[] {x.size()}, x);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            be.copy(in[0].v.reshape(v.shape()), v);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            Tensor dx = take(in[0].shape);
            be.copy(g, dx.reshape(g.shape()));
            deliver(in[0], dx);
        }
    }

    /** The linear classifier: xavier-uniform kernel, zero bias; output = logits. */
    private final class Head extends Node {
        final Linear fc;

        Head(String name, Node x) {
            super(new long[] {classes}, x);
            this.fc = new Linear(p, name, (int) x.size(), classes, false);
        }

        @Override
        void forward(boolean evaluation, Map<String, Tensor> masks, boolean updateStatistics) {
            fc.forward(in[0].v, v);
        }

        @Override
        void backward(boolean evaluation, Map<String, Tensor> masks) {
            be.zero(fc.w.grad());
            be.zero(fc.b.grad());
            Tensor dx = in[0].needsGrad() ? take(in[0].shape) : null;
            fc.backward(in[0].v, g, dx, false);
            if (dx != null) {
                deliver(in[0], dx);
            }
        }
    }

    private static long[] convShape(long[] x, int out, int k, int stride) {
        int pad = (k - 1) / 2;
        return new long[] {out, (x[1] + 2L * pad - k) / stride + 1, (x[2] + 2L * pad - k) / stride + 1};
    }

    private static long[] full(long[] shape, int b) {
        long[] s = new long[shape.length + 1];
        s[0] = b;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    // ---- buffers ----

    private Tensor own(long[] shape) {
        Tensor a = be.create(shape);
        owned.add(a);
        return a;
    }

    /** A gradient buffer of a node shape (contents undefined), from the pool or new (then kept). */
    private Tensor take(long[] shape) {
        ArrayDeque<Tensor> q = free.get(Arrays.toString(shape));
        Tensor a = q == null ? null : q.poll();
        return a != null ? a : own(full(shape, batch));
    }

    private void release(Tensor a) {
        long[] s = a.shape();
        free.computeIfAbsent(Arrays.toString(Arrays.copyOfRange(s, 1, s.length)), k -> new ArrayDeque<>()).push(a);
    }

    /** Hands {@code dx} to x as (part of) its gradient: the first contribution becomes x's buffer, later ones are added. */
    private void deliver(Node x, Tensor dx) {
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
        for (Node n : nodes) {
            n.allocate(b, false);
        }
        target = own(new long[] {b, classes});
        dlogits = own(new long[] {b, classes});
        hostLogits = Nd4j.create(type, b, classes);
    }

    private void releaseBuffers() {
        for (Tensor a : owned) {
            be.free(a);
        }
        owned.clear();
        free.clear();
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

    /** The largest backend scratch (convolution columns) of one node at batch size b. */
    long workspaceBytes(int b) {
        long work = 0;
        for (Node node : nodes) {
            work = Math.max(work, node.workspace(b));
        }
        return work;
    }

    @Override
    public long activationBytes(int b) {
        long n = 0;
        long largest = 0;
        long work = 0;
        for (Node node : nodes) {
            n += node.allocate(b, true);
            work = Math.max(work, node.workspace(b));
            if (node.needsGrad() || !flat) { // the first convolution's backward also writes an input-shaped buffer
                largest = Math.max(largest, b * node.size());
            }
        }
        // gradient pool: the gradient being consumed, one being accumulated (a residual stream),
        // a layer's fresh input gradient and a batch-norm scratch are alive at once, in up to two
        // shapes where a stage changes resolution
        n += 6 * largest;
        for (DropoutSite s : sites) {
            n += ParamSet.size(s.shape().apply(b));
        }
        return n * type.width() + work;
    }

    // ---- passes ----

    private Map<String, Tensor> forward(INDArray x, Dropout dropout, boolean evaluation, boolean updateStatistics) {
        int b = Math.toIntExact(x.size(0));
        buffers(b);
        Map<String, Tensor> m = maskSet.prepare(dropout, b, evaluation);
        p.upload();
        for (Bn bn : batchNorms) {
            be.upload(bn.runMean, bn.runMeanT);
            be.upload(bn.runVar, bn.runVarT);
        }
        be.upload(x, input.v);
        boolean update = updateStatistics && !evaluation;
        for (Node n : nodes) {
            n.forward(evaluation, m, update);
        }
        if (update) {
            for (Bn bn : batchNorms) {
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
        head.g = take(head.shape);
        double loss = be.crossEntropy(head.v, target, head.g);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
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
        if (flat) {
            long d = (long) channels * image * image;
            if ((long) b.channels() * b.height() * b.width() != d) {
                throw new IllegalArgumentException("the model expects " + channels + "x" + image + "x" + image + " images");
            }
            INDArray a = Nd4j.createFromArray(b.images()).reshape(b.size(), d);
            return type == DataType.FLOAT ? a : a.castTo(type);
        }
        if (b.channels() != channels || b.height() != image || b.width() != image) {
            throw new IllegalArgumentException("the model expects " + channels + "x" + image + "x" + image + " images but the data has "
                    + b.channels() + "x" + b.height() + "x" + b.width());
        }
        INDArray a = Nd4j.createFromArray(b.images()).reshape(b.size(), channels, image, image);
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
        releaseBuffers();
        maskSet.close();
        p.close();
        if (!be.device().isCpu()) {
            for (Bn bn : batchNorms) {
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
