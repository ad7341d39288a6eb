package org.gradreg.trainer.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.model.DropoutSite;
import org.gradreg.trainer.model.Models;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The convolutional models (ResNet-18 with the CIFAR stem, WideResNet, VGG16-BN) and the
 * {@code linear} softmax regression with a hand-written forward and backward pass over ND4J
 * arrays. Each architecture is declared once, as a small graph of layer nodes (conv, batch norm
 * with optional ReLU and dropout, residual add, max pool, global average pool, linear head) built
 * with the same parameter names, shapes, creation order and seeded initialisation as the SameDiff
 * graphs in {@code org.gradreg.trainer.model}, so the same spec and seed give the same weights.
 *
 * <p>Memory: every node's output lives in a buffer allocated once per batch size; a batch norm
 * that follows a convolution normalises that convolution's output in place (backward only needs
 * the convolution's input and the normalised values); gradients flow through a small pool of
 * buffers per shape, taken and returned during backward, also kept across passes.
 *
 * <p>Convolutions on the CPU backend: ND4J's im2col op into one shared column buffer, then one
 * cblas GEMM per example ({@link Blas#gemmStrided}); backward recomputes the columns, dW = Σ dY·colsᵀ,
 * dcols = Wᵀ·dY and col2im. Measured here (ResNet-18 CIFAR shapes, batch 32, FLOAT, 2 shared cores,
 * OMP_WAIT_POLICY=PASSIVE; {@code ConvEngineBench}): one 3×3 convolution of 64 channels at 32×32
 * took 0.4-0.7 s forward and 2.1-2.3 s backward through ND4J's native conv2d / conv2d_bp ops, and
 * 0.11-0.16 s (im2col) + 0.12-0.17 s (GEMMs) forward this way; a whole ResNet-18 AdamW step took
 * 6.2-6.4 s with im2col + GEMM, 13-14 s with the native ops (and 15-19 s on the SameDiff graph).
 * Other backends (and {@code -Dgradreg.nativeConv=true}) use conv2d / conv2d_bp with preallocated
 * outputs (NCHW input, [k, k, in, out] kernels).
 */
public final class ConvEngine implements Engine {

    /** Batch-norm ε and momentum, as the SameDiff models (torch's). */
    static final double BN_EPS = 1e-5;
    static final double BN_MOMENTUM = 0.1;

    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private final String name;
    private final String description;
    private final DataType type;
    private final int classes;
    private final int channels;
    private final int image;
    private final boolean flat;
    private final ParamSet p;
    private final List<Node> nodes = new ArrayList<>();
    private final List<DropoutSite> sites = new ArrayList<>();
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private final Input input;
    private final Head head;
    private final Map<String, ArrayDeque<INDArray>> free = new HashMap<>();
    private final List<INDArray> owned = new ArrayList<>();
    private int batch = -1;
    private final boolean im2col;
    private INDArray colScratch;
    private INDArray wtScratch;
    private INDArray dwtScratch;

    /** The engine for {@code spec} if it names a convolutional model or {@code linear}, else null. */
    public static ConvEngine build(String spec, int channels, int image, int classes, DataType type, long seed) {
        return switch (Models.parse(spec, channels, image).name()) {
            case "linear", "resnet18", "wrn-28-10", "vgg16-bn" -> new ConvEngine(spec, channels, image, classes, type, seed);
            default -> null;
        };
    }

    private ConvEngine(String spec, int channels, int image, int classes, DataType type, long seed) {
        this(spec, channels, image, classes, type, seed, Blas.direct() && !Boolean.getBoolean("gradreg.nativeConv"));
    }

    /** {@code im2col}: convolutions by im2col + cblas GEMMs (CPU backend only), else ND4J's conv2d / conv2d_bp. */
    ConvEngine(String spec, int channels, int image, int classes, DataType type, long seed, boolean im2col) {
        this.im2col = im2col;
        this.name = spec;
        this.type = type;
        this.classes = classes;
        this.channels = channels;
        this.image = image;
        this.p = new ParamSet(type, seed);
        Models.Model m = Models.parse(spec, channels, image);
        this.flat = m.name().equals("linear");
        if (flat) {
            long d = (long) channels * image * image;
            input = new Input(new long[] {d});
            head = new Head("linear", input);
            description = "softmax regression on " + channels + "x" + image + "x" + image;
            return;
        }
        input = new Input(new long[] {channels, image, image});
        Node features;
        switch (m.name()) {
            case "resnet18" -> {
                int width = m.args().count("width");
                int blocks = m.args().count("blocks");
                features = resnet(width, blocks);
                description = "ResNet CIFAR stem, width " + width + ", " + blocks + " blocks per stage";
            }
            case "wrn-28-10" -> {
                int depth = m.args().count("depth");
                int widen = m.args().count("widen");
                double dropout = m.args().number("dropout");
                features = wideResnet(depth, widen, dropout);
                description = "WideResNet-" + depth + "-" + widen + (dropout > 0 ? ", dropout " + dropout : "");
            }
            case "vgg16-bn" -> {
                int width = m.args().count("width");
                features = vgg(width);
                description = "VGG16-BN, width " + width;
            }
            default -> throw new IllegalArgumentException("not a convolutional model: '" + spec + "'");
        }
        head = new Head("fc", new Gap(features));
    }

    // ---- the architectures (creation order = the SameDiff graphs' order) ----

    /** ResNet-18, CIFAR stem: conv3×3-BN-ReLU, four stages of basic blocks (w, 2w, 4w, 8w channels), global average pool. */
    private Node resnet(int width, int blocks) {
        Node x = new Bn("stem/bn", new Conv("stem/conv", input, width, 3, 1), true, null, 0);
        for (int s = 0; s < 4; s++) {
            int out = width << s;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                int in = (int) x.shape[0];
                Node y = new Bn(q + "/bn1", new Conv(q + "/conv1", x, out, 3, stride), true, null, 0);
                y = new Bn(q + "/bn2", new Conv(q + "/conv2", y, out, 3, 1), false, null, 0);
                Node shortcut = stride == 1 && in == out ? x : new Bn(q + "/shortcut_bn", new Conv(q + "/shortcut", x, out, 1, stride), false, null, 0);
                x = new Add(y, shortcut, true);
            }
        }
        return x;
    }

    /** WideResNet: conv3×3(16), three stages of pre-activation blocks (16k, 32k, 64k channels), BN-ReLU, global average pool. */
    private Node wideResnet(int depth, int widen, double dropout) {
        int blocks = (depth - 4) / 6;
        Node x = new Conv("stem/conv", input, 16, 3, 1);
        for (int s = 0; s < 3; s++) {
            int out = (16 << s) * widen;
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String q = "stage" + (s + 1) + "/block" + b;
                int in = (int) x.shape[0];
                Node pre = new Bn(q + "/bn1", x, true, null, 0);
                Node y = new Conv(q + "/conv1", pre, out, 3, stride);
                final int side = image >> s;
                y = new Bn(q + "/bn2", y, true, site("dropout/" + q, dropout, n -> new long[] {n, out, side, side}), dropout);
                y = new Conv(q + "/conv2", y, out, 3, 1);
                Node shortcut = stride == 1 && in == out ? x : new Conv(q + "/shortcut", pre, out, 1, stride);
                x = new Add(y, shortcut, false);
            }
        }
        return new Bn("final/bn", x, true, null, 0);
    }

    /** VGG16-BN, CIFAR variant: thirteen conv3×3-BN-ReLU layers and five 2×2 max pools. */
    private Node vgg(int width) {
        Node x = input;
        int conv = 0;
        for (int c : VGG16) {
            if (c == 0) {
                x = new MaxPool(x);
                continue;
            }
            int out = (int) Math.max(1, (long) c * width / 64);
            String q = "conv" + conv++;
            x = new Bn(q + "/bn", new Conv(q + "/conv", x, out, 3, 1), true, null, 0);
        }
        return x;
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
        INDArray v;
        INDArray g;

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

        abstract void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics);

        /** Consumes {@code g} (the gradient of the output) and delivers the inputs' gradients. */
        abstract void backward(boolean evaluation, Map<String, INDArray> masks);

        boolean needsGrad() {
            return true;
        }
    }

    private final class Input extends Node {
        Input(long[] shape) {
            super(shape);
        }

        @Override
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
        }

        @Override
        boolean needsGrad() {
            return false;
        }
    }

    /**
     * k×k convolution, stride s, zero padding (k − 1)/2, no bias; kernel [k, k, in, out] He-normal.
     * On the CPU backend: im2col into a shared column buffer and one cblas GEMM per example
     * (backward: the columns again, dW = Σ dY·colsᵀ, dcols = Wᵀ·dY, col2im); elsewhere ND4J's
     * conv2d / conv2d_bp.
     */
    private final class Conv extends Node {
        final INDArray w;
        final INDArray dw;
        final int[] args;
        final int k;
        final int stride;
        final int pad;
        final long cin;
        final long cout;
        INDArray cols;
        INDArray wt;
        INDArray dwt;

        Conv(String name, Node x, int out, int k, int stride) {
            super(convShape(x.shape, out, k, stride), x);
            this.cin = x.shape[0];
            this.cout = out;
            this.k = k;
            this.stride = stride;
            this.w = p.he(name + "/kernel", (long) k * k * cin, k, k, cin, out);
            this.dw = p.grad(name + "/kernel");
            this.pad = (k - 1) / 2;
            // kH, kW, sH, sW, pH, pW, dH, dW, same mode (0: explicit padding), data format (0: NCHW), weights format (0: [k, k, in, out])
            this.args = new int[] {k, k, stride, stride, pad, pad, 1, 1, 0, 0, 0};
        }

        /** Rows of the column matrix: in·k·k. */
        long colRows() {
            return cin * k * k;
        }

        long positions() {
            return shape[1] * shape[2];
        }

        @Override
        long allocate(int b, boolean dryRun) {
            long n = super.allocate(b, dryRun);
            if (!dryRun && im2col) {
                cols = Nd4j.create(colScratch.data(), new long[] {b, cin, k, k, shape[1], shape[2]});
                wt = Nd4j.create(wtScratch.data(), new long[] {cout, cin, k, k});
                dwt = Nd4j.create(dwtScratch.data(), new long[] {cout, cin, k, k});
            }
            return n;
        }

        private void columns() {
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(in[0].v).addOutputs(cols)
                    .addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0).addFloatingPointArguments(0.0).build());
            wt.assign(w.permute(3, 2, 0, 1)); // [out, in, k, k]: rows of the kernel matrix in the columns' order
        }

        @Override
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            if (!im2col) {
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in[0].v, w).addOutputs(v).addIntegerArguments(args).build());
                return;
            }
            columns();
            int kk = (int) colRows();
            int pp = (int) positions();
            // y[i] = Wt [out, K] · cols[i] [K, P]
            Blas.gemmStrided(wt, 0, kk, false, cols, (long) kk * pp, pp, false, v, cout * pp, pp, (int) cout, pp, kk, batch, 1.0, 0.0,
                    false);
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            INDArray dx = take(in[0].shape);
            if (!im2col) {
                Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in[0].v, w, g).addOutputs(dx, dw).addIntegerArguments(args).build());
                deliver(in[0], dx);
                return;
            }
            columns();
            int kk = (int) colRows();
            int pp = (int) positions();
            // dWt = Σ_i dY[i] [out, P] · cols[i]ᵀ
            Blas.gemmStrided(g, cout * pp, pp, false, cols, (long) kk * pp, pp, true, dwt, 0, kk, (int) cout, kk, pp, batch, 1.0, 0.0, true);
            dw.assign(dwt.permute(2, 3, 1, 0));
            if (in[0].needsGrad()) {
                // dcols[i] = Wtᵀ · dY[i], then summed back onto the image
                Blas.gemmStrided(wt, 0, kk, true, g, cout * pp, pp, false, cols, (long) kk * pp, pp, kk, pp, (int) cout, batch, 1.0, 0.0,
                        false);
                Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(cols).addOutputs(dx.assign(0))
                        .addIntegerArguments(stride, stride, pad, pad, (int) in[0].shape[1], (int) in[0].shape[2], 1, 1, 0).build());
            }
            deliver(in[0], dx);
        }
    }

    /**
     * Batch norm over (N, H, W), then optionally ReLU and dropout (mask by {@code site}). Training:
     * the batch's mean and biased variance, running statistics moved by momentum with the unbiased
     * variance when asked; evaluation: the running statistics. x̂ is kept for backward, in the
     * input's buffer when the input is a convolution read by nothing else.
     */
    private final class Bn extends Node {
        final INDArray gamma;
        final INDArray beta;
        final INDArray dgamma;
        final INDArray dbeta;
        final INDArray runMean;
        final INDArray runVar;
        final boolean relu;
        final String site;
        final boolean inPlace;
        final long c;
        INDArray xhat;
        INDArray mean;
        INDArray var;
        INDArray rstd;
        INDArray coef;

        Bn(String name, Node x, boolean relu, String site, double rate) {
            super(x.shape, x);
            this.c = x.shape[0];
            this.gamma = p.ones(name + "/scale", 1, c, 1, 1).reshape(c);
            this.beta = p.zeros(name + "/bias", 1, c, 1, 1).reshape(c);
            this.dgamma = p.grad(name + "/scale").reshape(c);
            this.dbeta = p.grad(name + "/bias").reshape(c);
            this.runMean = Nd4j.zeros(type, 1, c, 1, 1);
            this.runVar = Nd4j.ones(type, 1, c, 1, 1);
            running.put(name + "/running_mean", runMean);
            running.put(name + "/running_var", runVar);
            this.relu = relu;
            this.site = site;
            this.inPlace = x instanceof Conv;
        }

        @Override
        long allocate(int b, boolean dryRun) {
            long n = super.allocate(b, dryRun);
            if (!dryRun) {
                // a convolution feeding only this layer: its output buffer becomes x̂
                xhat = inPlace && in[0].consumers == 1 ? in[0].v : own(full(shape, b));
                mean = own(new long[] {c});
                var = own(new long[] {c});
                rstd = own(new long[] {c});
                coef = own(new long[] {c});
            }
            return n + (inPlace && in[0].consumers == 1 ? 0 : b * size()) + 4 * c;
        }

        @Override
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            INDArray x = in[0].v;
            if (evaluation) {
                mean.assign(runMean.reshape(c));
                var.assign(runVar.reshape(c));
            } else {
                x.mean(mean, 0, 2, 3);
            }
            Nd4j.exec(new BroadcastSubOp(x, mean, xhat, 1));
            if (!evaluation) {
                INDArray vb = xhat.var(false, 0, 2, 3); // biased: mean of squares of the centred values
                var.assign(vb);
                vb.close();
                if (updateStatistics) {
                    double m = BN_MOMENTUM;
                    double n = (double) x.length() / c;
                    INDArray rm = runMean.reshape(c);
                    INDArray rv = runVar.reshape(c);
                    rm.muli(1 - m);
                    Nd4j.getBlasWrapper().level1().axpy(c, m, mean, rm);
                    rv.muli(1 - m);
                    Nd4j.getBlasWrapper().level1().axpy(c, m * n / Math.max(1.0, n - 1), var, rv);
                }
            }
            Transforms.pow(rstd.assign(var).addi(BN_EPS), -0.5, false);
            Nd4j.exec(new BroadcastMulOp(xhat, rstd, xhat, 1));
            Nd4j.exec(new BroadcastMulOp(xhat, gamma, v, 1));
            Nd4j.exec(new BroadcastAddOp(v, beta, v, 1));
            if (relu) {
                Transforms.relu(v, false);
            }
            INDArray mask = site == null || evaluation ? null : masks.get(site);
            if (mask != null) {
                v.muli(mask);
            }
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            INDArray mask = site == null || evaluation ? null : masks.get(site);
            if (mask != null) {
                g.muli(mask);
            }
            if (relu) {
                // v > 0 exactly where the ReLU passed (and the mask kept: elsewhere g is already 0)
                reluBackward(v, g);
            }
            g.sum(dbeta, 0, 2, 3);
            INDArray dx = take(shape);
            dx.assign(g).muli(xhat).sum(dgamma, 0, 2, 3);
            coef.assign(gamma).muli(rstd);
            if (evaluation) {
                // constant statistics: dx = g·γ/√(σ²_run + ε)
                Nd4j.exec(new BroadcastMulOp(g, coef, dx, 1));
            } else {
                // dx = γ/√(σ² + ε)·(g − mean(g) − x̂·mean(g·x̂)), the means per channel over N·H·W
                double n = (double) g.length() / c;
                mean.assign(dgamma).divi(n);
                Nd4j.exec(new BroadcastMulOp(xhat, mean, dx, 1));
                dx.rsubi(g);
                mean.assign(dbeta).divi(n);
                Nd4j.exec(new BroadcastSubOp(dx, mean, dx, 1));
                Nd4j.exec(new BroadcastMulOp(dx, coef, dx, 1));
            }
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
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            in[0].v.add(in[1].v, v);
            if (relu) {
                Transforms.relu(v, false);
            }
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            if (relu) {
                reluBackward(v, g);
            }
            Node b = in[1];
            if (b.needsGrad()) {
                if (b.g == null) {
                    b.g = take(b.shape).assign(g);
                } else {
                    b.g.addi(g);
                }
            }
            INDArray mine = g;
            g = null;
            deliver(in[0], mine);
        }
    }

    /** 2×2 max pooling, stride 2 (NCHW). */
    private final class MaxPool extends Node {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra (unused for max), layout (0: NCHW)
        final int[] args = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};

        MaxPool(Node x) {
            super(new long[] {x.shape[0], x.shape[1] / 2, x.shape[2] / 2}, x);
        }

        @Override
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(in[0].v).addOutputs(v).addIntegerArguments(args).build());
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            INDArray dx = take(in[0].shape);
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(in[0].v, g).addOutputs(dx).addIntegerArguments(args).build());
            deliver(in[0], dx);
        }
    }

    /** Global average pooling: [N, C, H, W] → [N, C]. */
    private final class Gap extends Node {
        Gap(Node x) {
            super(new long[] {x.shape[0]}, x);
        }

        @Override
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            in[0].v.mean(v, 2, 3);
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            INDArray dx = take(in[0].shape);
            long rows = batch * shape[0];
            INDArray d2 = dx.reshape(rows, in[0].size() / shape[0]);
            d2.assign(0).addiColumnVector(g.reshape(rows, 1)).divi(d2.size(1));
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
        void forward(boolean evaluation, Map<String, INDArray> masks, boolean updateStatistics) {
            fc.forward(in[0].v, v);
        }

        @Override
        void backward(boolean evaluation, Map<String, INDArray> masks) {
            p.grad(fc.name + "/kernel").assign(0);
            p.grad(fc.name + "/bias").assign(0);
            INDArray dx = in[0].needsGrad() ? take(in[0].shape) : null;
            fc.backward(in[0].v, g, dx, false);
            if (dx != null) {
                deliver(in[0], dx);
            }
        }
    }

    private static void reluBackward(INDArray y, INDArray g) {
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(y, g).addOutputs(g).build());
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

    private INDArray own(long[] shape) {
        INDArray a = Nd4j.create(type, shape);
        owned.add(a);
        return a;
    }

    /** A gradient buffer of a node shape (contents undefined), from the pool or new (then kept). */
    private INDArray take(long[] shape) {
        ArrayDeque<INDArray> q = free.get(Arrays.toString(shape));
        INDArray a = q == null ? null : q.poll();
        return a != null ? a : own(full(shape, batch));
    }

    private void release(INDArray a) {
        long[] s = Arrays.copyOfRange(a.shape(), 1, a.rank());
        free.computeIfAbsent(Arrays.toString(s), k -> new ArrayDeque<>()).push(a);
    }

    /** Hands {@code dx} to x as (part of) its gradient: the first contribution becomes x's buffer, later ones are added. */
    private void deliver(Node x, INDArray dx) {
        if (!x.needsGrad()) {
            release(dx);
        } else if (x.g == null) {
            x.g = dx;
        } else {
            x.g.addi(dx);
            release(dx);
        }
    }

    private void buffers(int b) {
        if (b == batch) {
            return;
        }
        for (INDArray a : owned) {
            a.close();
        }
        owned.clear();
        free.clear();
        batch = b;
        if (im2col) {
            colScratch = own(new long[] {Math.max(1, b * maxColumns())});
            wtScratch = own(new long[] {Math.max(1, maxKernel())});
            dwtScratch = own(new long[] {Math.max(1, maxKernel())});
        }
        for (Node n : nodes) {
            n.allocate(b, false);
        }
    }

    /** The largest column matrix of one example (in·k·k × positions). */
    private long maxColumns() {
        long m = 0;
        for (Node n : nodes) {
            if (n instanceof Conv c) {
                m = Math.max(m, c.colRows() * c.positions());
            }
        }
        return m;
    }

    private long maxKernel() {
        long m = 0;
        for (Node n : nodes) {
            if (n instanceof Conv c) {
                m = Math.max(m, c.w.length());
            }
        }
        return m;
    }

    /** Bytes of the buffers allocated so far (values, x̂, statistics and the gradient pool). */
    long allocatedBytes() {
        long n = 0;
        for (INDArray a : owned) {
            n += a.length();
        }
        return n * type.width();
    }

    @Override
    public long activationBytes(int b) {
        long n = 0;
        long largest = 0;
        for (Node node : nodes) {
            n += node.allocate(b, true);
            if (node.needsGrad() || !flat) { // the first convolution's backward also writes an input-shaped buffer
                largest = Math.max(largest, b * node.size());
            }
        }
        // gradient pool: the gradient being consumed, one being accumulated (a residual stream),
        // a layer's fresh input gradient and a batch-norm scratch are alive at once, in up to two
        // shapes where a stage changes resolution
        n += 6 * largest;
        if (im2col) {
            n += b * maxColumns() + 2 * maxKernel(); // the shared column buffer and kernel-matrix scratch
        }
        for (DropoutSite s : sites) {
            n += ParamSet.size(s.shape().apply(b));
        }
        return n * type.width();
    }

    // ---- passes ----

    private void forward(INDArray x, Map<String, INDArray> masks, boolean evaluation, boolean updateStatistics) {
        buffers(Math.toIntExact(x.size(0)));
        input.v.assign(x.reshape(input.v.shape()));
        Map<String, INDArray> m = evaluation || masks == null ? Map.of() : masks;
        for (Node n : nodes) {
            n.forward(evaluation, m, updateStatistics && !evaluation);
        }
    }

    @Override
    public Result lossAndGradients(INDArray x, INDArray target, Map<String, INDArray> masks, boolean evaluation,
                                   boolean updateStatistics) {
        forward(x, masks, evaluation, updateStatistics);
        Map<String, INDArray> m = evaluation || masks == null ? Map.of() : masks;
        head.g = take(head.shape);
        double loss = CrossEntropy.lossAndGradient(head.v, target, head.g);
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
        return new Result(loss, head.v, p.grads());
    }

    @Override
    public Result loss(INDArray x, INDArray target, Map<String, INDArray> masks, boolean evaluation) {
        forward(x, masks, evaluation, false);
        return new Result(CrossEntropy.lossAndGradient(head.v, target, null), head.v, Map.of());
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
    public String toString() {
        return name + " (" + description + "; " + parameterCount() + " parameters, " + type + ")";
    }

}
