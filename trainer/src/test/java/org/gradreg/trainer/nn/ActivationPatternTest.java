package org.gradreg.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.model.Engines;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The frozen activation pattern ({@link GraphEngine#freezeActivationPattern}) that makes
 * finite-difference Hessian-vector products exact on ReLU and max-pool networks. The reference is
 * cnn-small written out in plain double arithmetic below (3×3 convolutions, batch norm on running
 * statistics, ReLU, 2×2 max pool, dense head, mean cross-entropy), whose forward pass records the
 * ReLU signs and pool maxima of one point and can be evaluated with them held: the engine's frozen
 * loss, gradient and Hessian-vector products must be that function's values and derivatives
 * (derivatives of the reference by central differences of its loss), at a point far enough from
 * the recorded one that the network's own pattern there differs.
 */
class ActivationPatternTest {

    private static final String SPEC = "cnn-small:width=2";
    private static final int SIDE = 8;
    private static final int WIDTH = 2;
    private static final int CLASSES = 3;
    private static final int N = 6;
    /** How far from the recorded point the pattern is replayed (a step of this length along a unit direction). */
    private static final double FAR = 3;

    /** The engine with random batch-norm parameters and statistics (else batch norm is the identity at initialisation). */
    private static GraphEngine engine() {
        GraphEngine e = (GraphEngine) Engines.build(SPEC, 1, SIDE, CLASSES, DataType.DOUBLE, 5);
        SplittableRandom r = new SplittableRandom(17);
        for (Map.Entry<String, INDArray> p : e.parameters().entrySet()) {
            if (p.getKey().contains("/bn/")) {
                boolean scale = p.getKey().endsWith("scale");
                set(p.getValue(), fill(p.getValue().length(), i -> scale ? 1 + 0.3 * gauss(r) : 0.2 * gauss(r)));
            }
        }
        for (Map.Entry<String, INDArray> s : e.runningStatistics().entrySet()) {
            boolean var = s.getKey().endsWith("var");
            set(s.getValue(), fill(s.getValue().length(), i -> var ? 0.5 + r.nextDouble() : 0.2 * gauss(r)));
        }
        return e;
    }

    private interface IndexFn {
        double at(int i);
    }

    private static double[] fill(long n, IndexFn f) {
        double[] a = new double[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = f.at(i);
        }
        return a;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static void set(INDArray a, double[] v) {
        a.assign(Nd4j.createFromArray(v).reshape(a.shape()));
    }

    private static Map<String, double[]> read(Map<String, INDArray> m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.dup('c').data().asDouble()));
        return out;
    }

    /** θ + t·v for every tensor. */
    private static Map<String, double[]> moved(Map<String, double[]> theta, Map<String, double[]> v, double t) {
        Map<String, double[]> out = new LinkedHashMap<>();
        theta.forEach((k, a) -> out.put(k, fill(a.length, i -> a[i] + t * v.get(k)[i])));
        return out;
    }

    private static void load(Engine e, Map<String, double[]> theta) {
        e.parameters().forEach((k, a) -> set(a, theta.get(k)));
    }

    /** A random direction of norm 1 over all the parameters. */
    private static Map<String, double[]> direction(Map<String, double[]> like, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, double[]> v = new LinkedHashMap<>();
        like.forEach((k, a) -> v.put(k, fill(a.length, i -> gauss(r))));
        double norm = Math.sqrt(dot(v, v));
        v.values().forEach(a -> {
            for (int i = 0; i < a.length; i++) {
                a[i] /= norm;
            }
        });
        return v;
    }

    private static double dot(Map<String, double[]> a, Map<String, double[]> b) {
        double s = 0;
        for (String k : a.keySet()) {
            for (int i = 0; i < a.get(k).length; i++) {
                s += a.get(k)[i] * b.get(k)[i];
            }
        }
        return s;
    }

    /** cnn-small in plain double; {@link #record} stores the pattern of a pass, {@link #frozen} replays it. */
    private static final class Reference {
        final Map<String, double[]> running;
        final double[] x;
        final int[] labels;
        final List<boolean[]> gates = new ArrayList<>();
        final List<int[]> picks = new ArrayList<>();
        private int gate;
        private int pick;

        Reference(Map<String, double[]> running, double[] x, int[] labels) {
            this.running = running;
            this.x = x;
            this.labels = labels;
        }

        double record(Map<String, double[]> p) {
            gates.clear();
            picks.clear();
            return loss(p, Mode.RECORD);
        }

        double frozen(Map<String, double[]> p) {
            return loss(p, Mode.FROZEN);
        }

        double live(Map<String, double[]> p) {
            return loss(p, Mode.LIVE);
        }

        enum Mode { RECORD, FROZEN, LIVE }

        private double loss(Map<String, double[]> p, Mode mode) {
            gate = 0;
            pick = 0;
            double[] a = x;
            int c = 1;
            int side = SIDE;
            for (int s = 0; s < 2; s++) {
                for (int k = 0; k < 2; k++) {
                    String q = "stage" + (s + 1) + "/conv" + (k + 1);
                    int out = WIDTH << s;
                    a = conv(a, c, out, side, p.get(q + "/conv/kernel"));
                    c = out;
                    a = bnRelu(a, c, side, p.get(q + "/bn/scale"), p.get(q + "/bn/bias"), running.get(q + "/bn/running_mean"),
                            running.get(q + "/bn/running_var"), mode);
                }
                a = pool(a, c, side, mode);
                side /= 2;
            }
            int d = c * side * side;
            double[] w = p.get("fc/kernel");
            double[] b = p.get("fc/bias");
            double total = 0;
            for (int n = 0; n < N; n++) {
                double[] z = new double[CLASSES];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < CLASSES; j++) {
                    z[j] = b[j];
                    for (int f = 0; f < d; f++) {
                        z[j] += a[n * d + f] * w[f * CLASSES + j];
                    }
                    max = Math.max(max, z[j]);
                }
                double sum = 0;
                for (int j = 0; j < CLASSES; j++) {
                    sum += Math.exp(z[j] - max);
                }
                total += max + Math.log(sum) - z[labels[n]];
            }
            return total / N;
        }

        /** 3×3 convolution, zero padding 1, kernel [3, 3, in, out]. */
        private static double[] conv(double[] a, int cin, int cout, int side, double[] w) {
            double[] y = new double[N * cout * side * side];
            for (int n = 0; n < N; n++) {
                for (int o = 0; o < cout; o++) {
                    for (int r = 0; r < side; r++) {
                        for (int col = 0; col < side; col++) {
                            double s = 0;
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int rr = r + ky - 1;
                                    int cc = col + kx - 1;
                                    if (rr < 0 || rr >= side || cc < 0 || cc >= side) {
                                        continue;
                                    }
                                    for (int i = 0; i < cin; i++) {
                                        s += a[((n * cin + i) * side + rr) * side + cc] * w[((ky * 3 + kx) * cin + i) * cout + o];
                                    }
                                }
                            }
                            y[((n * cout + o) * side + r) * side + col] = s;
                        }
                    }
                }
            }
            return y;
        }

        private double[] bnRelu(double[] a, int c, int side, double[] gamma, double[] beta, double[] mean, double[] var, Mode mode) {
            boolean[] g = mode == Mode.FROZEN ? gates.get(gate) : new boolean[a.length];
            double[] y = new double[a.length];
            int hw = side * side;
            for (int i = 0; i < a.length; i++) {
                int ch = (i / hw) % c;
                double v = (a[i] - mean[ch]) / Math.sqrt(var[ch] + GraphEngine.BN_EPS) * gamma[ch] + beta[ch];
                if (mode != Mode.FROZEN) {
                    g[i] = v > 0;
                }
                y[i] = g[i] ? v : 0;
            }
            if (mode == Mode.RECORD) {
                gates.add(g);
            }
            gate++;
            return y;
        }

        private double[] pool(double[] a, int c, int side, Mode mode) {
            int h = side / 2;
            int[] at = mode == Mode.FROZEN ? picks.get(pick) : new int[N * c * h * h];
            double[] y = new double[at.length];
            for (int n = 0; n < N * c; n++) {
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < h; col++) {
                        int o = (n * h + r) * h + col;
                        if (mode != Mode.FROZEN) {
                            int best = -1;
                            for (int dy = 0; dy < 2; dy++) {
                                for (int dx = 0; dx < 2; dx++) {
                                    int i = (n * side + 2 * r + dy) * side + 2 * col + dx;
                                    if (best < 0 || a[i] > a[best]) {
                                        best = i;
                                    }
                                }
                            }
                            at[o] = best;
                        }
                        y[o] = a[at[o]];
                    }
                }
            }
            if (mode == Mode.RECORD) {
                picks.add(at);
            }
            pick++;
            return y;
        }
    }

    private record Setup(GraphEngine e, INDArray in, INDArray target, Reference ref, Map<String, double[]> theta0) {
    }

    private static Setup setup() {
        GraphEngine e = engine();
        SplittableRandom r = new SplittableRandom(29);
        double[] x = fill((long) N * SIDE * SIDE, i -> gauss(r));
        int[] labels = new int[N];
        for (int n = 0; n < N; n++) {
            labels[n] = r.nextInt(CLASSES);
        }
        INDArray in = Nd4j.createFromArray(x).reshape(N, 1, SIDE, SIDE);
        INDArray target = ModelOracle.targets(labels, CLASSES, 0, DataType.DOUBLE);
        return new Setup(e, in, target, new Reference(read(e.runningStatistics()), x, labels), read(e.parameters()));
    }

    private static double loss(Setup s) {
        return s.e().loss(s.in(), s.target(), Map.of(), true).loss();
    }

    private static Map<String, double[]> gradient(Setup s) {
        return read(s.e().lossAndGradients(s.in(), s.target(), Map.of(), true, false).gradients());
    }

    /**
     * The frozen loss is the reference's loss with the recorded pattern, at the recorded point and at
     * a point 3 away (|v| = 1) where the live pattern differs; released, the engine computes the live loss
     * again; a pass on another input or in training mode is refused while a pattern is held.
     */
    @Test
    void frozenLossIsTheRecordedPieceOfTheNetwork() {
        Setup s = setup();
        GraphEngine e = s.e();
        double l0 = s.ref().record(s.theta0());
        assertEquals(l0, loss(s), 1e-12 * l0, "live loss at the recorded point");
        e.freezeActivationPattern(s.in());
        assertEquals(l0, loss(s), 1e-12 * l0, "frozen loss at the recorded point");
        Map<String, double[]> theta1 = moved(s.theta0(), direction(s.theta0(), 41), FAR);
        load(e, theta1);
        double frozen = s.ref().frozen(theta1);
        double live = s.ref().live(theta1);
        assertTrue(Math.abs(frozen - live) > 1e-3 * live, "the step must change the pattern: frozen " + frozen + " vs live " + live);
        assertEquals(frozen, loss(s), 1e-12 * frozen, "frozen loss away from the recorded point");
        assertThrows(IllegalStateException.class, () -> e.loss(s.in().dup(), s.target(), Map.of(), true), "another input");
        assertThrows(IllegalStateException.class, () -> e.lossAndGradients(s.in(), s.target(), Map.of(), false, false), "training pass");
        e.releaseActivationPattern();
        assertEquals(live, loss(s), 1e-12 * live, "live loss after release");
        e.close();
    }

    /**
     * Away from the recorded point, the frozen gradient is the reference piece's gradient (central
     * differences of its loss along random directions) and the frozen gradient's central difference
     * uᵀ(H v) is its second derivative (a mixed second difference of its loss).
     */
    @Test
    void frozenGradientsAndHessianVectorProductsDifferentiateThePiece() {
        Setup s = setup();
        GraphEngine e = s.e();
        s.ref().record(s.theta0());
        e.freezeActivationPattern(s.in());
        Map<String, double[]> theta1 = moved(s.theta0(), direction(s.theta0(), 41), FAR);
        Map<String, double[]> u = direction(s.theta0(), 43);
        Map<String, double[]> v = direction(s.theta0(), 47);
        load(e, theta1);
        Map<String, double[]> g = gradient(s);
        for (Map<String, double[]> d : List.of(u, v)) {
            double eps = 1e-4;
            double fd = (s.ref().frozen(moved(theta1, d, eps)) - s.ref().frozen(moved(theta1, d, -eps))) / (2 * eps);
            assertEquals(fd, dot(g, d), 1e-6 * Math.abs(fd) + 1e-9, "directional derivative");
        }
        double h = 1e-5;
        load(e, moved(theta1, v, h));
        Map<String, double[]> up = gradient(s);
        load(e, moved(theta1, v, -h));
        Map<String, double[]> down = gradient(s);
        double uHv = (dot(u, up) - dot(u, down)) / (2 * h);
        double a = 1e-3;
        Map<String, double[]> pu = moved(theta1, u, a);
        Map<String, double[]> mu = moved(theta1, u, -a);
        double mixed = (s.ref().frozen(moved(pu, v, a)) - s.ref().frozen(moved(pu, v, -a)) - s.ref().frozen(moved(mu, v, a))
                + s.ref().frozen(moved(mu, v, -a))) / (4 * a * a);
        assertEquals(mixed, uHv, 1e-4 * Math.abs(mixed) + 1e-6, "uᵀHv");
        e.close();
    }

    /**
     * Every convolutional model of the registry (ReLU after batch norm and after residual sums, max
     * pools): with the pattern of the current point frozen, the loss and gradient there are the live
     * ones (the gates reproduce ReLU and the pool exactly) and the frozen finite-difference Hessian is
     * symmetric, uᵀ(H v) = vᵀ(H u).
     */
    @Test
    void everyConvolutionalModelFreezesExactlyAtTheRecordedPoint() {
        for (String[] m : new String[][] {{"resnet18:width=2,blocks=1", "8"}, {"wrn-28-10:depth=10,widen=1,dropout=0.3", "8"},
                {"vgg16-bn:width=2", "32"}, {SPEC, "8"}}) {
            int side = Integer.parseInt(m[1]);
            Engine e = Engines.build(m[0], 3, side, Fixtures.CLASSES, DataType.DOUBLE, 7);
            Batch b = Fixtures.batch(4, side, 1);
            INDArray in = e.input(b);
            INDArray target = ModelOracle.targets(b.labels(), Fixtures.CLASSES, 0.1, DataType.DOUBLE);
            Engine.Result live = e.lossAndGradients(in, target, Map.of(), true, false);
            double liveLoss = live.loss();
            Map<String, double[]> liveGrad = read(live.gradients());
            e.freezeActivationPattern(in);
            Engine.Result frozen = e.lossAndGradients(in, target, Map.of(), true, false);
            assertEquals(liveLoss, frozen.loss(), 0, m[0] + " loss");
            Map<String, double[]> frozenGrad = read(frozen.gradients());
            for (String k : liveGrad.keySet()) {
                for (int i = 0; i < liveGrad.get(k).length; i++) {
                    assertEquals(liveGrad.get(k)[i], frozenGrad.get(k)[i], 0, m[0] + " " + k + "[" + i + "]");
                }
            }
            Map<String, double[]> theta = read(e.parameters());
            Map<String, double[]> u = direction(theta, 3);
            Map<String, double[]> v = direction(theta, 5);
            double h = 1e-5;
            double[] uv = new double[2];
            for (int k = 0; k < 2; k++) {
                Map<String, double[]> d = k == 0 ? v : u;
                load(e, moved(theta, d, h));
                Map<String, double[]> up = read(e.lossAndGradients(in, target, Map.of(), true, false).gradients());
                load(e, moved(theta, d, -h));
                Map<String, double[]> down = read(e.lossAndGradients(in, target, Map.of(), true, false).gradients());
                Map<String, double[]> other = k == 0 ? u : v;
                uv[k] = (dot(other, up) - dot(other, down)) / (2 * h);
            }
            assertEquals(uv[0], uv[1], 1e-6 * Math.abs(uv[0]) + 1e-8, m[0] + ": uᵀHv vs vᵀHu");
            e.releaseActivationPattern();
            load(e, theta);
            e.lossAndGradients(in, target, Map.of(), false, false); // training passes run again
            e.close();
        }
    }
}
