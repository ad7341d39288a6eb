package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm over (N, H, W) of an NCHW tensor, forward and backward, as plain Java loops over the
 * arrays' native memory, one channel at a time (channels split over the thread cap); the CPU
 * backend's {@link Backend#batchNormForward} and {@link Backend#batchNormBackward} (before: about
 * ten ND4J broadcast and reduction ops, each its own pass, ~1/3 of a small CNN's step, issue 20).
 * Statistics are accumulated in double: mean μ = Σx/n, biased variance σ² = Σ(x − μ)²/n (two
 * passes), rstd = 1/√(σ² + ε), x̂ = (x − μ)·rstd, y = mask·ReLU(γ·x̂ + β). Backward, with g masked
 * and passed through the ReLU where y &gt; 0: dβ = Σg, dγ = Σg·x̂, dx = γ·rstd·(g − dβ/n − x̂·dγ/n)
 * in training, γ·rstd·g in evaluation (Ioffe and Szegedy 2015, eq. of the backward pass). The
 * rounding differs from the ND4J ops' (other summation order and precision), within the tests'
 * tolerances (DOUBLE central differences, the SameDiff graphs to 1e-12).
 */
final class BatchNormKernels {

    private BatchNormKernels() {
    }

    /** Whether the loops apply: whole 'c'-order arrays with int indices. */
    static boolean applies(INDArray... as) {
        for (INDArray a : as) {
            if (a != null && (a.offset() != 0 || a.ordering() != 'c' || a.isView() || a.elementWiseStride() != 1 || a.length() >= Integer.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    static double[] read(INDArray a) {
        return a.dup().data().asDouble();
    }

    static void write(double[] v, INDArray a) {
        for (int i = 0; i < v.length; i++) {
            a.putScalar(i, v[i]);
        }
    }

    /**
     * x [N, C, H, W] → xhat (may be x), y; mean, var (training: the batch's; evaluation: given), rstd
     * filled in; mask may be null.
     */
    static void forward(INDArray x, INDArray xhat, INDArray y, INDArray mask, double[] mean, double[] var, double[] rstd, double[] gamma,
                        double[] beta, boolean evaluation, double eps, boolean relu) {
        int n = (int) x.size(0);
        int ch = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * ch));
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer hb = xhat.data().asNioFloat();
            FloatBuffer yb = y.data().asNioFloat();
            FloatBuffer mb = mask == null ? null : mask.data().asNioFloat();
            Im2col.each(ch, c -> forward(xb, hb, yb, mb, mean, var, rstd, gamma, beta, evaluation, eps, relu, n, ch, hw, c));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer hb = xhat.data().asNioDouble();
            DoubleBuffer yb = y.data().asNioDouble();
            DoubleBuffer mb = mask == null ? null : mask.data().asNioDouble();
            Im2col.each(ch, c -> forward(xb, hb, yb, mb, mean, var, rstd, gamma, beta, evaluation, eps, relu, n, ch, hw, c));
        }
    }

    /** g (modified: masked, through the ReLU) → dx, dgamma, dbeta (overwritten). */
    static void backward(INDArray g, INDArray y, INDArray xhat, INDArray dx, INDArray mask, double[] rstd, double[] gamma, double[] dgamma,
                         double[] dbeta, boolean evaluation, boolean relu) {
        int n = (int) g.size(0);
        int ch = (int) g.size(1);
        int hw = (int) (g.length() / ((long) n * ch));
        if (g.dataType() == DataType.FLOAT) {
            FloatBuffer gb = g.data().asNioFloat();
            FloatBuffer yb = y.data().asNioFloat();
            FloatBuffer hb = xhat.data().asNioFloat();
            FloatBuffer db = dx.data().asNioFloat();
            FloatBuffer mb = mask == null ? null : mask.data().asNioFloat();
            Im2col.each(ch, c -> backward(gb, yb, hb, db, mb, rstd, gamma, dgamma, dbeta, evaluation, relu, n, ch, hw, c));
        } else {
            DoubleBuffer gb = g.data().asNioDouble();
            DoubleBuffer yb = y.data().asNioDouble();
            DoubleBuffer hb = xhat.data().asNioDouble();
            DoubleBuffer db = dx.data().asNioDouble();
            DoubleBuffer mb = mask == null ? null : mask.data().asNioDouble();
            Im2col.each(ch, c -> backward(gb, yb, hb, db, mb, rstd, gamma, dgamma, dbeta, evaluation, relu, n, ch, hw, c));
        }
    }

    // ---- FLOAT ----

    private static void forward(FloatBuffer x, FloatBuffer xhat, FloatBuffer y, FloatBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c) {
        double count = (double) n * hw;
        if (!evaluation) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                int o = (b * ch + c) * hw;
                for (int i = o; i < o + hw; i++) {
                    s += x.get(i);
                }
            }
            double mu = s / count;
            double ss = 0;
            for (int b = 0; b < n; b++) {
                int o = (b * ch + c) * hw;
                for (int i = o; i < o + hw; i++) {
                    double d = x.get(i) - mu;
                    ss += d * d;
                }
            }
            mean[c] = mu;
            var[c] = ss / count;
        }
        double r = 1 / Math.sqrt(var[c] + eps);
        rstd[c] = r;
        double mu = mean[c];
        double g = gamma[c];
        double be = beta[c];
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                float h = (float) ((x.get(i) - mu) * r);
                float v = (float) (h * g + be);
                if (relu && !(v > 0)) {
                    v = 0;
                }
                if (mask != null) {
                    v *= mask.get(i);
                }
                xhat.put(i, h);
                y.put(i, v);
            }
        }
    }

    private static void backward(FloatBuffer gb, FloatBuffer y, FloatBuffer xhat, FloatBuffer dx, FloatBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        double sg = 0;
        double sgx = 0;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                float g = gb.get(i);
                if (mask != null) {
                    g *= mask.get(i);
                }
                if (relu && !(y.get(i) > 0)) {
                    g = 0;
                }
                gb.put(i, g);
                sg += g;
                sgx += g * (double) xhat.get(i);
            }
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                dx.put(i, (float) (coef * (gb.get(i) - mg - xhat.get(i) * mgx)));
            }
        }
    }

    // ---- DOUBLE ----

    private static void forward(DoubleBuffer x, DoubleBuffer xhat, DoubleBuffer y, DoubleBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c) {
        double count = (double) n * hw;
        if (!evaluation) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                int o = (b * ch + c) * hw;
                for (int i = o; i < o + hw; i++) {
                    s += x.get(i);
                }
            }
            double mu = s / count;
            double ss = 0;
            for (int b = 0; b < n; b++) {
                int o = (b * ch + c) * hw;
                for (int i = o; i < o + hw; i++) {
                    double d = x.get(i) - mu;
                    ss += d * d;
                }
            }
            mean[c] = mu;
            var[c] = ss / count;
        }
        double r = 1 / Math.sqrt(var[c] + eps);
        rstd[c] = r;
        double mu = mean[c];
        double g = gamma[c];
        double be = beta[c];
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                double h = ((x.get(i) - mu) * r);
                double v = (h * g + be);
                if (relu && !(v > 0)) {
                    v = 0;
                }
                if (mask != null) {
                    v *= mask.get(i);
                }
                xhat.put(i, h);
                y.put(i, v);
            }
        }
    }

    private static void backward(DoubleBuffer gb, DoubleBuffer y, DoubleBuffer xhat, DoubleBuffer dx, DoubleBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        double sg = 0;
        double sgx = 0;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                double g = gb.get(i);
                if (mask != null) {
                    g *= mask.get(i);
                }
                if (relu && !(y.get(i) > 0)) {
                    g = 0;
                }
                gb.put(i, g);
                sg += g;
                sgx += g * (double) xhat.get(i);
            }
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            for (int i = o; i < o + hw; i++) {
                dx.put(i, (coef * (gb.get(i) - mg - xhat.get(i) * mgx)));
            }
        }
    }
}
