package org.gradreg.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A smooth non-quadratic objective over two tensors, w (2×3) and b (3), evaluated in plain double
 * arithmetic on the flattened vector x = (w, b):
 * L(x) = Σ cᵢ(xᵢ − aᵢ)² + q·Σ xᵢ⁴ + s·sin(Σ xᵢ).
 * The reference computations in the tests work on the same flattened vector.
 */
final class TestObjective implements Oracle {

    static final int N = 9;
    private final double[] c = {1.0, 2.0, 0.5, 3.0, 1.5, 0.7, 2.5, 0.3, 1.2};
    private final double[] a = {0.3, -0.2, 0.8, -1.0, 0.5, 0.1, -0.4, 0.9, 0.0};
    private final double q = 0.05;
    private final double s = 0.3;
    private final Params params;
    int evaluations;

    TestObjective(double[] x0, DataType type) {
        params = unflatten(x0, "w", "b", type);
    }

    static double[] start() {
        return new double[] {0.5, -0.7, 1.1, 0.2, -0.3, 0.9, 0.4, -1.2, 0.6};
    }

    double value(double[] x) {
        double v = 0;
        double sum = 0;
        for (int i = 0; i < N; i++) {
            v += c[i] * (x[i] - a[i]) * (x[i] - a[i]) + q * Math.pow(x[i], 4);
            sum += x[i];
        }
        return v + s * Math.sin(sum);
    }

    double[] gradient(double[] x) {
        double sum = 0;
        for (double xi : x) {
            sum += xi;
        }
        double[] g = new double[N];
        for (int i = 0; i < N; i++) {
            g[i] = 2 * c[i] * (x[i] - a[i]) + 4 * q * Math.pow(x[i], 3) + s * Math.cos(sum);
        }
        return g;
    }

    /** H·v, exact. */
    double[] hessianTimes(double[] x, double[] v) {
        double sum = 0;
        double vs = 0;
        for (int i = 0; i < N; i++) {
            sum += x[i];
            vs += v[i];
        }
        double[] hv = new double[N];
        for (int i = 0; i < N; i++) {
            hv[i] = (2 * c[i] + 12 * q * x[i] * x[i]) * v[i] - s * Math.sin(sum) * vs;
        }
        return hv;
    }

    double[] x() {
        return flatten(params);
    }

    static double[] flatten(Params p) {
        return flatten(p, "w", "b");
    }

    /** The flattened (first, second) tensors of {@code p}, as x = (w, b). */
    static double[] flatten(Params p, String first, String second) {
        double[] w = p.get(first).castTo(DataType.DOUBLE).dup().data().asDouble();
        double[] b = p.get(second).castTo(DataType.DOUBLE).dup().data().asDouble();
        double[] x = new double[N];
        System.arraycopy(w, 0, x, 0, 6);
        System.arraycopy(b, 0, x, 6, 3);
        return x;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        evaluations++;
        double[] x = x();
        return new Evaluation(value(x), unflatten(gradient(x), "w", "b", params.dataType()));
    }

    /** x = (first 2×3, second 3) as tensors of type {@code t}: the inverse of {@link #flatten(Params, String, String)}. */
    static Params unflatten(double[] x, String first, String second, DataType t) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(first, Nd4j.createFromArray(java.util.Arrays.copyOfRange(x, 0, 6)).reshape(2, 3).castTo(t));
        m.put(second, Nd4j.createFromArray(java.util.Arrays.copyOfRange(x, 6, 9)).castTo(t));
        return Params.of(m);
    }
}
