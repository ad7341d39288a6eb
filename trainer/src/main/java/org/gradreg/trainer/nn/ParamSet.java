package org.gradreg.trainer.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a model and their gradient buffers: host arrays (same shapes, 'c' order — the
 * live values the optimizer edits) and their mirrors on the engine's {@link Backend}, created in a
 * fixed order and initialised from one seeded Java stream, so a model is a pure function of its
 * configuration and seed (ND4J's own random generator did not repeat across runs). On the CPU a
 * mirror is the host array itself; on a GPU {@link #upload} copies the host values to the device
 * before a pass and {@link #downloadGradients} the gradients back after it.
 */
public final class ParamSet {

    /** One parameter: host value and gradient, and their backend mirrors. */
    public record Param(String name, INDArray host, INDArray hostGrad, Tensor value, Tensor grad) {
    }

    private final Backend be;
    private final DataType type;
    private final SplittableRandom init;
    private final List<Param> params = new ArrayList<>();
    private final LinkedHashMap<String, INDArray> values = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> grads = new LinkedHashMap<>();

    public ParamSet(Backend be, long seed) {
        this.be = be;
        this.type = be.type();
        this.init = new SplittableRandom(seed);
    }

    public Backend backend() {
        return be;
    }

    public DataType type() {
        return type;
    }

    /** A parameter with the given row-major values. */
    public Param add(String name, double[] v, long... shape) {
        if (values.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter '" + name + "'");
        }
        INDArray a = Nd4j.createFromArray(v).castTo(type).reshape('c', shape).dup('c');
        INDArray g = Nd4j.zeros(type, shape);
        Param p = new Param(name, a, g, be.mirror(a), be.mirror(g));
        params.add(p);
        values.put(name, a);
        grads.put(name, g);
        return p;
    }

    public Param zeros(String name, long... shape) {
        return add(name, new double[Math.toIntExact(size(shape))], shape);
    }

    public Param ones(String name, long... shape) {
        double[] v = new double[Math.toIntExact(size(shape))];
        Arrays.fill(v, 1.0);
        return add(name, v, shape);
    }

    /** N(0, std²) entries (Box–Muller on the seeded stream). */
    public Param normal(String name, double std, long... shape) {
        double[] v = new double[Math.toIntExact(size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * (Math.sqrt(-2 * Math.log(1 - init.nextDouble())) * Math.cos(2 * Math.PI * init.nextDouble()));
        }
        return add(name, v, shape);
    }

    /** Xavier (Glorot) uniform U(−a, a), a = √(6 / (fanIn + fanOut)). */
    public Param xavier(String name, long fanIn, long fanOut, long... shape) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] v = new double[Math.toIntExact(size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = a * (2 * init.nextDouble() - 1);
        }
        return add(name, v, shape);
    }

    /** He (Kaiming) normal, std √(2 / fanIn). */
    public Param he(String name, long fanIn, long... shape) {
        return normal(name, Math.sqrt(2.0 / fanIn), shape);
    }

    /** The host values by name (live). */
    public LinkedHashMap<String, INDArray> values() {
        return values;
    }

    /** The host gradients by name. */
    public LinkedHashMap<String, INDArray> grads() {
        return grads;
    }

    /** Copies every host value to its mirror (no-op on the CPU). */
    public void upload() {
        for (Param p : params) {
            be.upload(p.host(), p.value());
        }
    }

    /** Copies every gradient mirror to its host array (no-op on the CPU). */
    public void downloadGradients() {
        for (Param p : params) {
            be.download(p.grad(), p.hostGrad());
        }
    }

    /** Sets every gradient mirror to zero (backward passes accumulate into them). */
    public void zeroGrads() {
        for (Param p : params) {
            be.zero(p.grad());
        }
    }

    /** Frees the mirrors (on a GPU: device memory; on the CPU nothing: the mirrors are the host arrays). */
    public void close() {
        if (!be.device().isCpu()) {
            for (Param p : params) {
                be.free(p.value());
                be.free(p.grad());
            }
        }
    }

    static long size(long... shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }
}
