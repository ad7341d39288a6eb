package org.gradreg.trainer.reference;

import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.VitConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Building blocks made from SameDiff primitive ops, because the fused ND4J 1.0.0-M2.1 ops are
 * broken or unsuitable (see docs/architecture.md): layer norm with ε, exact (erf) GELU, softmax, dropout as a
 * multiplication by a mask placeholder filled in Java, and 2-D dense layers. Variables are
 * initialised from a seeded Java stream in creation order, so a model is a pure function of its
 * configuration and seed.
 */
public final class Layers {

    private final SameDiff sd;
    private final DataType type;
    private final SplittableRandom init;
    private final List<String> trainable = new ArrayList<>();
    private final List<DropoutSite> dropout = new ArrayList<>();
    private final List<BatchNormStats> batchNorms = new ArrayList<>();
    private SDVariable training;

    public Layers(SameDiff sd, DataType type, long seed) {
        this.sd = sd;
        this.type = type;
        this.init = new SplittableRandom(seed);
    }

    public SameDiff sd() {
        return sd;
    }

    public DataType type() {
        return type;
    }

    /** Names of the trainable variables, in creation order. */
    public List<String> trainable() {
        return trainable;
    }

    /** The dropout mask placeholders, in creation order. */
    public List<DropoutSite> dropoutSites() {
        return dropout;
    }

    /** The batch-norm layers, in creation order. */
    public List<BatchNormStats> batchNorms() {
        return batchNorms;
    }

    /** A trainable variable with the given values (row-major). */
    public SDVariable variable(String name, double[] values, long... shape) {
        INDArray a = Nd4j.createFromArray(values).castTo(type).reshape('c', shape);
        SDVariable v = sd.var(name, a);
        trainable.add(name);
        return v;
    }

    public SDVariable zeros(String name, long... shape) {
        return variable(name, new double[(int) product(shape)], shape);
    }

    public SDVariable ones(String name, long... shape) {
        double[] v = new double[(int) product(shape)];
        java.util.Arrays.fill(v, 1.0);
        return variable(name, v, shape);
    }

    /** N(0, std²) entries. */
    public SDVariable normal(String name, double std, long... shape) {
        double[] v = new double[(int) product(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * gaussian();
        }
        return variable(name, v, shape);
    }

    /** Xavier (Glorot) uniform: U(−a, a), a = √(6 / (fanIn + fanOut)). */
    public SDVariable xavier(String name, long fanIn, long fanOut, long... shape) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] v = new double[(int) product(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = a * (2 * init.nextDouble() - 1);
        }
        return variable(name, v, shape);
    }

    /** He (Kaiming) normal, std √(2 / fanIn). */
    public SDVariable he(String name, long fanIn, long... shape) {
        return normal(name, Math.sqrt(2.0 / fanIn), shape);
    }

    /** A constant (not trainable). */
    public SDVariable constant(String name, INDArray value) {
        return sd.constant(name, value.castTo(type));
    }

    /** {@code x·W + b} on a 2-D input [N, in]; W xavier-uniform (or zero), b zero. */
    public SDVariable dense(String name, SDVariable x, long in, long out, boolean zeroKernel) {
        SDVariable w = zeroKernel ? zeros(name + "/kernel", in, out) : xavier(name + "/kernel", in, out, in, out);
        SDVariable b = zeros(name + "/bias", 1, out);
        return x.mmul(w).add(b);
    }

    /**
     * Layer norm over the last axis of a 2-D input [N, D]:
     * {@code (x − μ)/√(σ² + ε)·γ + β}, σ² the biased variance, as torch/flax.
     */
    public SDVariable layerNorm(String name, SDVariable x, long dim, double eps) {
        SDVariable mu = x.mean(true, 1);
        SDVariable xc = x.sub(mu);
        SDVariable var = xc.mul(xc).mean(true, 1);
        SDVariable inv = sd.math().rsqrt(var.add(eps));
        SDVariable gamma = ones(name + "/scale", 1, dim);
        SDVariable beta = zeros(name + "/bias", 1, dim);
        return xc.mul(inv).mul(gamma).add(beta);
    }

    /** Exact GELU, 0.5·x·(1 + erf(x/√2)). */
    public SDVariable gelu(SDVariable x) {
        return x.mul(0.5).mul(sd.math().erf(x.mul(1 / Math.sqrt(2))).add(1.0));
    }

    /** Softmax along {@code dim}, as exp(x − max)/Σexp(x − max). */
    public SDVariable softmax(SDVariable x, int dim) {
        SDVariable e = sd.math().exp(x.sub(x.max(true, dim)));
        return e.div(e.sum(true, dim));
    }

    /** log-softmax along {@code dim} of a 2-D input. */
    public SDVariable logSoftmax(SDVariable x, int dim) {
        SDVariable shifted = x.sub(x.max(true, dim));
        return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, dim)));
    }

    /**
     * Dropout with rate {@code rate}: {@code x · mask}, the mask a placeholder the oracle fills in
     * Java with 0 or 1/(1 − rate) (all ones, broadcast, in evaluation). {@code shape} gives the
     * mask shape for a batch of B examples. Rate 0 returns {@code x} and makes no placeholder.
     */
    public SDVariable dropout(String name, SDVariable x, double rate, IntFunction<long[]> shape) {
        if (rate <= 0) {
            return x;
        }
        if (rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        int rank = shape.apply(1).length;
        long[] ph = new long[rank];
        java.util.Arrays.fill(ph, -1);
        SDVariable mask = sd.placeHolder(name, type, ph);
        dropout.add(new DropoutSite(name, rate, shape));
        return x.mul(mask);
    }

    /**
     * 2-D convolution of an NCHW input with a k×k kernel ([k, k, in, out], ND4J's YXIO layout,
     * He-normal), stride {@code stride}, zero padding (k − 1)/2, no bias (batch norm follows).
     */
    public SDVariable conv(String name, SDVariable x, long in, long out, int k, int stride) {
        SDVariable w = he(name + "/kernel", (long) k * k * in, k, k, in, out);
        Conv2DConfig c = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH((k - 1) / 2).pW((k - 1) / 2)
                .dataFormat("NCHW").build();
        return sd.cnn().conv2d(x, w, c);
    }

    /**
     * Batch norm over (N, H, W) of an NCHW input, from primitives (ND4J's op has no training mode):
     * {@code (x − μ)/√(σ² + ε)·γ + β} with the batch's μ, σ² (biased) while the scalar placeholder
     * {@value #TRAINING} is 1, and the running μ, σ² fed as placeholders while it is 0. The graph
     * names the batch statistics so the oracle can update the running ones (momentum {@code momentum},
     * unbiased variance, as torch) from primary passes only.
     */
    public SDVariable batchNorm(String name, SDVariable x, long channels, double eps, double momentum) {
        if (training == null) {
            training = sd.placeHolder(TRAINING, type);
        }
        SDVariable mu = x.mean(true, 0, 2, 3).rename(name + "/batch_mean");
        SDVariable xc = x.sub(mu);
        SDVariable var = xc.mul(xc).mean(true, 0, 2, 3).rename(name + "/batch_var");
        SDVariable count = x.shape().prod().castTo(type).div(channels).rename(name + "/count");
        SDVariable runMean = sd.placeHolder(name + "/running_mean", type, 1, channels, 1, 1);
        SDVariable runVar = sd.placeHolder(name + "/running_var", type, 1, channels, 1, 1);
        SDVariable notTraining = training.rsub(1.0);
        SDVariable m = mu.mul(training).add(runMean.mul(notTraining));
        SDVariable v = var.mul(training).add(runVar.mul(notTraining));
        SDVariable gamma = ones(name + "/scale", 1, channels, 1, 1);
        SDVariable beta = zeros(name + "/bias", 1, channels, 1, 1);
        batchNorms.add(new BatchNormStats(name, name + "/batch_mean", name + "/batch_var", runMean.name(), runVar.name(), count.name(), channels,
                momentum));
        return x.sub(m).mul(sd.math().rsqrt(v.add(eps))).mul(gamma).add(beta);
    }

    /** The scalar placeholder selecting batch (1) or running (0) statistics in every batch-norm layer. */
    public static final String TRAINING = "bn_training";

    public SDVariable relu(SDVariable x) {
        return sd.nn().relu(x, 0);
    }

    /** k×k max pooling with stride k on NCHW. */
    public SDVariable maxPool(SDVariable x, int k) {
        return sd.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(k).kW(k).sH(k).sW(k).isNHWC(false).build());
    }

    /** Global average pooling: NCHW → [N, C]. */
    public SDVariable globalAvgPool(SDVariable x) {
        return x.mean(2, 3);
    }

    private double gaussian() {
        return Math.sqrt(-2 * Math.log(1 - init.nextDouble())) * Math.cos(2 * Math.PI * init.nextDouble());
    }

    static long product(long... shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }
}
