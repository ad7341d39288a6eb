package org.gradreg.trainer.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a hand-written model and their gradient buffers (same shapes, 'c' order),
 * created in a fixed order and initialised from one seeded Java stream, so a model is a pure
 * function of its configuration and seed (ND4J's own random generator did not repeat across runs).
 */
public final class ParamSet {

    private final DataType type;
    private final SplittableRandom init;
    private final LinkedHashMap<String, INDArray> values = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> grads = new LinkedHashMap<>();

    public ParamSet(DataType type, long seed) {
        this.type = type;
        this.init = new SplittableRandom(seed);
    }

    public DataType type() {
        return type;
    }

    /** A parameter with the given row-major values. */
    public INDArray add(String name, double[] v, long... shape) {
        if (values.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter '" + name + "'");
        }
        INDArray a = Nd4j.createFromArray(v).castTo(type).reshape('c', shape).dup('c');
        values.put(name, a);
        grads.put(name, Nd4j.zeros(type, shape));
        return a;
    }

    public INDArray zeros(String name, long... shape) {
        return add(name, new double[Math.toIntExact(size(shape))], shape);
    }

    public INDArray ones(String name, long... shape) {
        double[] v = new double[Math.toIntExact(size(shape))];
        Arrays.fill(v, 1.0);
        return add(name, v, shape);
    }

    /** N(0, std²) entries (Box–Muller on the seeded stream). */
    public INDArray normal(String name, double std, long... shape) {
        double[] v = new double[Math.toIntExact(size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * (Math.sqrt(-2 * Math.log(1 - init.nextDouble())) * Math.cos(2 * Math.PI * init.nextDouble()));
        }
        return add(name, v, shape);
    }

    /** Xavier (Glorot) uniform U(−a, a), a = √(6 / (fanIn + fanOut)). */
    public INDArray xavier(String name, long fanIn, long fanOut, long... shape) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] v = new double[Math.toIntExact(size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = a * (2 * init.nextDouble() - 1);
        }
        return add(name, v, shape);
    }

    /** He (Kaiming) normal, std √(2 / fanIn). */
    public INDArray he(String name, long fanIn, long... shape) {
        return normal(name, Math.sqrt(2.0 / fanIn), shape);
    }

    /** The gradient buffer of a parameter. */
    public INDArray grad(String name) {
        return grads.get(name);
    }

    public LinkedHashMap<String, INDArray> values() {
        return values;
    }

    public LinkedHashMap<String, INDArray> grads() {
        return grads;
    }

    /** Sets every gradient buffer to zero (backward passes accumulate into them). */
    public void zeroGrads() {
        for (INDArray g : grads.values()) {
            g.assign(0);
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
