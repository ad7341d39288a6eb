package org.gradreg.trainer.compute;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The compute-backend seam under the model engines: the arithmetic a forward and backward pass
 * needs, in one data type, on one device. The engines (the trainer's {@code nn} package) are written
 * once against this interface; {@link CpuBackend} runs it on ND4J's arrays (the host; direct cblas
 * GEMMs), the {@code gradreg-cuda} module on an NVIDIA GPU (cuBLAS and NVRTC-compiled kernels).
 * A backend is chosen once, when an engine is built ({@link Backends#open}).
 *
 * <p>The optimizer (optim) always runs on the host, on ND4J arrays: an engine keeps each
 * parameter as a host array (the live value the optimizer and the SAM/GR/GNR perturbations edit in
 * place) and a {@link #mirror} of it on the device, refreshed by {@link #upload} before every pass;
 * gradients are computed on the device and copied into host arrays by {@link #download}. On the
 * CPU a mirror is the host array itself and both copies are no-ops.
 *
 * <p>All tensors are contiguous and row-major. "Rows" of a 2-D tensor [N, D] are its N vectors of
 * D elements. Unless a method says otherwise its outputs may not alias its inputs.
 */
public interface Backend extends AutoCloseable {

    Device device();

    DataType type();

    /** One line: the device, e.g. {@code cpu (nd4j-native, OpenBLAS)} or {@code NVIDIA H200 (cuda:0, sm_90, 139.8 GiB)}. */
    String describe();

    // ---- memory and transfers ----

    /** A new zero-filled tensor. */
    Tensor create(long... shape);

    /** Frees a tensor's memory now (it must not be used afterwards). */
    void free(Tensor t);

    /** A device tensor holding the data of {@code host} after {@link #upload}; on the CPU the host array itself. */
    Tensor mirror(INDArray host);

    /** dst ← host (same number of elements). No-op when dst is the host array's own mirror on the CPU. */
    void upload(INDArray host, Tensor dst);

    /** host ← src (same number of elements). No-op when src is the host array's own mirror on the CPU. */
    void download(Tensor src, INDArray host);

    /**
     * This device's memory (optim's {@link org.gradreg.optim.MemoryProbe}): what can still be given
     * (host: MemAvailable; GPU: free device memory) and what is in use. The memory budget checks a
     * run against it; the CPU's is {@link org.gradreg.optim.MemoryProbe#host()}, the probe the
     * garbage-collection policies read.
     */
    org.gradreg.optim.MemoryProbe memory();

    /** Waits until all queued work is done (for timing; transfers to the host wait by themselves). */
    default void synchronize() {
    }

    @Override
    default void close() {
    }

    // ---- dense algebra ----

    /** C ← alpha·op(A)·op(B) + beta·C for 2-D tensors, op = transpose where asked. */
    void gemm(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double alpha, double beta);

    /** y[i, :] += bias for y [N, D], bias of D elements. */
    void addRowVector(Tensor y, Tensor bias);

    /** out += Σ_i x[i, :] for x [N, D], out of D elements. */
    void addColumnSums(Tensor x, Tensor out);

    /**
     * Attention scores per head: s[g] = alpha·A_g·B_gᵀ for every head g = b·H + h, where A_g, B_g are
     * the [T, dh] blocks of the token rows A, B [B·T, D] at row b·T, column h·dh; s is [B·H, T, T].
     */
    void headsABt(Tensor a, Tensor b, Tensor s, double alpha, int batch, int heads, int tokens, int dh);

    /** C_g ← alpha·op(P[g])·B_g (op = transpose if {@code transP}; P [B·H, T, T], B and C token rows [B·T, D]). */
    void headsPB(Tensor p, Tensor b, Tensor c, double alpha, boolean transP, int batch, int heads, int tokens, int dh);

    // ---- element-wise ----

    /** dst ← src. */
    void copy(Tensor src, Tensor dst);

    /** out ← a + b (out may be a or b). */
    void add(Tensor a, Tensor b, Tensor out);

    /** y ← y + x. */
    void addInPlace(Tensor y, Tensor x);

    /** x ← x ⊙ mask (same number of elements). */
    void multiplyInPlace(Tensor x, Tensor mask);

    /** x ← 0. */
    void zero(Tensor x);

    /**
     * Inverted-dropout mask drawn by the counter-based generator {@link DropoutHash}: element i is 0
     * if {@code DropoutHash.uniform(seed, i) < rate}, else 1/(1 − rate). Every backend computes the
     * same mask from the same seed (the GPU's kernel and the CPU's Java loop), at memory speed on
     * the GPU, so no mask crosses the bus.
     */
    void dropoutMask(Tensor mask, double rate, long seed);

    // ---- transformer layers ----

    /**
     * Layer norm over the last axis of x [N, D]: xhat ← (x − μ)/√(σ² + ε) (σ² biased), rstd [N, 1]
     * ← 1/√(σ² + ε), y ← xhat·γ + β.
     */
    void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor xhat, Tensor rstd, Tensor y);

    /**
     * dx ← (g − mean(g) − xhat·mean(g·xhat))·rstd with g = dy·γ (row means), accumulating dγ += Σ dy·xhat
     * and dβ += Σ dy over the rows; {@code scratch} is shaped like dy.
     */
    void layerNormBackward(Tensor dy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor dgamma, Tensor dbeta, Tensor dx,
                           Tensor scratch);

    /** Exact GELU: cdf ← Φ(x) = ½(1 + erf(x/√2)), y ← x·Φ(x). */
    void geluForward(Tensor x, Tensor cdf, Tensor y);

    /** dy ← dy·(Φ(x) + x·φ(x)) in place; {@code scratch} is shaped like x. */
    void geluBackward(Tensor x, Tensor cdf, Tensor dy, Tensor scratch);

    /** Softmax of every row of {@code cols} elements, in place. */
    void softmaxRows(Tensor s, int cols);

    /** dp ← p ⊙ (dp − Σ_row dp ⊙ p) over rows of {@code cols} elements; {@code scratch} is shaped like p. */
    void softmaxBackward(Tensor dp, Tensor p, Tensor scratch, int cols);

    /**
     * Mean over the batch of −Σ target·log softmax(logits) for logits [B, C]; writes (softmax − target)/B
     * into {@code dlogits} unless it is null.
     */
    double crossEntropy(Tensor logits, Tensor target, Tensor dlogits);

    /**
     * The ViT's token term: term [T, D] ← pos; term[0] += cls; term[t] += bias for t ≥ 1; then every
     * example's [T, D] block of x [B·T, D] += term.
     */
    void tokenEmbedding(Tensor x, Tensor pos, Tensor cls, Tensor bias, Tensor term, int batch, int tokens, int dim);

    /** Its backward: with dterm = Σ_b dx's [T, D] blocks, dpos += dterm, dcls += dterm[0], dbias += Σ_{t≥1} dterm[t]. */
    void tokenEmbeddingBackward(Tensor dx, Tensor dpos, Tensor dcls, Tensor dbias, int batch, int tokens, int dim);

    /** out [B, D] ← the first token row of each example of x [B·T, D]. */
    void gatherFirstTokens(Tensor x, Tensor out, int batch, int tokens, int dim);

    /** dx [B·T, D] ← 0 except the first token row of each example ← d [B, D]. */
    void scatterFirstTokens(Tensor d, Tensor dx, int batch, int tokens, int dim);

    // ---- convolutional layers (NCHW) ----

    /** y [B, out, OH, OW] ← conv(x [B, in, H, W], w [k, k, in, out]). */
    void conv2d(ConvShape s, Tensor x, Tensor w, Tensor y);

    /** dw ← ∂/∂w (overwritten); dx ← ∂/∂x (overwritten) unless dx is null. */
    void conv2dBackward(ConvShape s, Tensor x, Tensor w, Tensor dy, Tensor dw, Tensor dx);

    /** Scratch bytes the backend keeps for convolutions of this shape (column buffers); 0 if none. */
    long convWorkspaceBytes(ConvShape s);

    /**
     * How this backend computes the 3×3 stride-1 convolutions it can do either way: {@code im2col}
     * or {@code winograd} (the run's {@code model.conv}); a backend with one way ignores it.
     */
    default void convolutions(String algorithm) {
    }

    /**
     * Batch norm over (N, H, W) of x [N, C, H, W], then ReLU if asked, then the mask (may be null).
     * Training: the batch's mean and biased variance into {@code t.mean}, {@code t.var}, and (when
     * {@code updateStatistics}) running mean ← (1 − m)·running mean + m·mean, running var ← (1 − m)·
     * running var + m·n/(n − 1)·var; evaluation: the running statistics. Writes xhat (may be x itself),
     * {@code t.rstd} and y.
     */
    void batchNormForward(Tensor x, Tensor xhat, Tensor y, BatchNormTensors t, boolean evaluation, boolean updateStatistics,
                          double momentum, double eps, boolean relu, Tensor mask);

    /**
     * Its backward, consuming g (the gradient of y; its contents afterwards are unspecified): the mask, the ReLU (where y &gt; 0),
     * dβ ← Σ g, dγ ← Σ g·xhat (overwritten), dx ← γ·rstd·(g − mean(g) − xhat·mean(g·xhat)) in training,
     * γ·rstd·g in evaluation.
     */
    void batchNormBackward(Tensor g, Tensor y, Tensor xhat, Tensor dx, BatchNormTensors t, boolean evaluation, boolean relu,
                           Tensor mask);

    /** x ← max(x, 0). */
    void relu(Tensor x);

    /** g ← g where y &gt; 0, else 0. */
    void reluBackward(Tensor y, Tensor g);

    /** 2×2 max pooling, stride 2: y [N, C, H/2, W/2]. */
    void maxPool2(Tensor x, Tensor y);

    /** dx ← dy routed to the maximum of each window (overwritten). */
    void maxPool2Backward(Tensor x, Tensor dy, Tensor dx);

    /** y [N, C] ← mean of x [N, C, H, W] over H, W. */
    void globalAvgPool(Tensor x, Tensor y);

    /** dx [N, C, H, W] ← dy [N, C] / (H·W) (overwritten). */
    void globalAvgPoolBackward(Tensor dy, Tensor dx);

    /**
     * The per-channel tensors of one batch-norm layer (all of C elements): parameters γ, β and their
     * gradients, running statistics, and the batch's mean, variance, 1/√(var + ε) and a scratch.
     */
    record BatchNormTensors(Tensor gamma, Tensor beta, Tensor dgamma, Tensor dbeta, Tensor runningMean, Tensor runningVar,
                            Tensor mean, Tensor var, Tensor rstd, Tensor coef) {
    }
}
