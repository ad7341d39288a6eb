package org.gradreg.optim;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A batch of B examples over the two tensors of {@link TestObjective} (a 2×3 matrix and a 3-vector,
 * named as the test chooses), each with its own smooth non-quadratic loss, evaluated in plain
 * double arithmetic on the flattened x:
 * ℓᵢ(x) = Σⱼ cᵢⱼ(xⱼ − aᵢⱼ)² + q·Σⱼ xⱼ⁴ + sᵢ·sin(Σⱼ xⱼ), with seeded cᵢⱼ ∈ [0.3, 3), aᵢⱼ, sᵢ ∈ [−1, 1).
 * The batch loss is the mean. It is an {@link ExampleOracle}: parts, subsets, per-example losses;
 * {@code micro} is the micro-batch size it reports. Counts every call.
 */
final class ExampleObjective implements ExampleOracle {

    static final int N = 9;
    final int examples;
    private final int micro;
    final double[][] c;
    final double[][] a;
    final double[] s;
    private final double q = 0.05;
    private final Params params;
    int evaluations;

    ExampleObjective(double[] x0, int examples, int micro, String first, String second, long seed) {
        this.examples = examples;
        this.micro = micro;
        SplittableRandom r = new SplittableRandom(seed);
        c = new double[examples][N];
        a = new double[examples][N];
        s = new double[examples];
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < N; j++) {
                c[i][j] = r.nextDouble(0.3, 3);
                a[i][j] = r.nextDouble(-1, 1);
            }
            s[i] = r.nextDouble(-1, 1);
        }
        params = TestObjective.unflatten(x0, first, second, DataType.DOUBLE);
    }

    ExampleObjective(int examples, int micro) {
        this(TestObjective.start(), examples, micro, "w", "b", 7);
    }

    double loss(int i, double[] x) {
        double v = 0;
        double sum = 0;
        for (int j = 0; j < N; j++) {
            v += c[i][j] * (x[j] - a[i][j]) * (x[j] - a[i][j]) + q * Math.pow(x[j], 4);
            sum += x[j];
        }
        return v + s[i] * Math.sin(sum);
    }

    double[] gradient(int i, double[] x) {
        double sum = 0;
        for (double xj : x) {
            sum += xj;
        }
        double[] g = new double[N];
        for (int j = 0; j < N; j++) {
            g[j] = 2 * c[i][j] * (x[j] - a[i][j]) + 4 * q * Math.pow(x[j], 3) + s[i] * Math.cos(sum);
        }
        return g;
    }

    /** The mean gradient over {@code idx}, plain doubles. */
    double[] gradient(int[] idx, double[] x) {
        double[] g = new double[N];
        for (int i : idx) {
            double[] gi = gradient(i, x);
            for (int j = 0; j < N; j++) {
                g[j] += gi[j] / idx.length;
            }
        }
        return g;
    }

    static int[] range(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    double[] x() {
        return TestObjective.flatten(params, params.names().get(0), params.names().get(1));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public int batchSize() {
        return examples;
    }

    @Override
    public int microBatchSize() {
        return micro;
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        return evaluate(pass, range(0, examples));
    }

    @Override
    public Evaluation evaluate(Pass pass, int from, int count) {
        return evaluate(pass, range(from, count));
    }

    @Override
    public double[] losses(Pass pass, int from, int count) {
        evaluations++;
        double[] x = x();
        double[] l = new double[count];
        for (int i = 0; i < count; i++) {
            l[i] = loss(from + i, x);
        }
        return l;
    }

    @Override
    public Evaluation evaluate(Pass pass, int[] idx) {
        evaluations++;
        double[] x = x();
        double loss = 0;
        for (int i : idx) {
            loss += loss(i, x) / idx.length;
        }
        return new Evaluation(loss, TestObjective.unflatten(gradient(idx, x), params.names().get(0), params.names().get(1), DataType.DOUBLE));
    }
}
