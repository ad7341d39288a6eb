package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-plane batch-norm kernels as they were before issue 20's rework (each (example, channel)
 * plane copied in and out per pass, ReLU as a branch), kept only as the reference that
 * {@link BatchNormKernelsBitTest} compares the reworked {@link BatchNormKernels} with, bit for bit.
 */
final class BatchNormKernelsPlanes {

    private BatchNormKernelsPlanes() {
    }

    /** Whether the loops apply: whole 'c'-order arrays of one data type (a null is skipped) with int indices. */
    static boolean applies(INDArray... as) {
        for (INDArray a : as) {
            if (a != null && (a.dataType() != as[0].dataType() || a.offset() != 0 || a.ordering() != 'c' || a.isView()
                    || a.elementWiseStride() != 1 || a.length() >= Integer.MAX_VALUE)) {
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

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[4][0]);

    /** This thread's four scratch planes of at least hw elements. */
    private static float[][] floats(int hw) {
        float[][] s = FLOATS.get();
        if (s[0].length < hw) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new float[hw];
            }
        }
        return s;
    }

    private static void forward(FloatBuffer x, FloatBuffer xhat, FloatBuffer y, FloatBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c) {
        float[][] s4 = floats(hw);
        float[] xp = s4[0];
        float[] hp = s4[1];
        float[] yp = s4[2];
        float[] mp = s4[3];
        double count = (double) n * hw;
        if (!evaluation) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                x.get((b * ch + c) * hw, xp, 0, hw);
                for (int i = 0; i < hw; i++) {
                    s += xp[i];
                }
            }
            double mu = s / count;
            double ss = 0;
            for (int b = 0; b < n; b++) {
                x.get((b * ch + c) * hw, xp, 0, hw);
                for (int i = 0; i < hw; i++) {
                    double d = xp[i] - mu;
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
            x.get(o, xp, 0, hw);
            if (mask != null) {
                mask.get(o, mp, 0, hw);
            }
            for (int i = 0; i < hw; i++) {
                float h = (float) ((xp[i] - mu) * r);
                float v = (float) (h * g + be);
                if (relu && !(v > 0)) {
                    v = 0;
                }
                if (mask != null) {
                    v *= mp[i];
                }
                hp[i] = h;
                yp[i] = v;
            }
            xhat.put(o, hp, 0, hw);
            y.put(o, yp, 0, hw);
        }
    }

    private static void backward(FloatBuffer gb, FloatBuffer y, FloatBuffer xhat, FloatBuffer dx, FloatBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        float[][] s4 = floats(hw);
        float[] gp = s4[0];
        float[] hp = s4[1];
        float[] yp = s4[2];
        float[] mp = s4[3];
        double sg = 0;
        double sgx = 0;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            gb.get(o, gp, 0, hw);
            xhat.get(o, hp, 0, hw);
            if (relu) {
                y.get(o, yp, 0, hw);
            }
            if (mask != null) {
                mask.get(o, mp, 0, hw);
            }
            for (int i = 0; i < hw; i++) {
                float g = gp[i];
                if (mask != null) {
                    g *= mp[i];
                }
                if (relu && !(yp[i] > 0)) {
                    g = 0;
                }
                gp[i] = g;
                sg += g;
                sgx += g * (double) hp[i];
            }
            gb.put(o, gp, 0, hw);
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            gb.get(o, gp, 0, hw);
            xhat.get(o, hp, 0, hw);
            for (int i = 0; i < hw; i++) {
                gp[i] = (float) (coef * (gp[i] - mg - hp[i] * mgx));
            }
            dx.put(o, gp, 0, hw);
        }
    }

    // ---- DOUBLE ----

    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[4][0]);

    /** This thread's four scratch planes of at least hw elements. */
    private static double[][] doubles(int hw) {
        double[][] s = DOUBLES.get();
        if (s[0].length < hw) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new double[hw];
            }
        }
        return s;
    }

    private static void forward(DoubleBuffer x, DoubleBuffer xhat, DoubleBuffer y, DoubleBuffer mask, double[] mean, double[] var,
                                double[] rstd, double[] gamma, double[] beta, boolean evaluation, double eps, boolean relu,
                                int n, int ch, int hw, int c) {
        double[][] s4 = doubles(hw);
        double[] xp = s4[0];
        double[] hp = s4[1];
        double[] yp = s4[2];
        double[] mp = s4[3];
        double count = (double) n * hw;
        if (!evaluation) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                x.get((b * ch + c) * hw, xp, 0, hw);
                for (int i = 0; i < hw; i++) {
                    s += xp[i];
                }
            }
            double mu = s / count;
            double ss = 0;
            for (int b = 0; b < n; b++) {
                x.get((b * ch + c) * hw, xp, 0, hw);
                for (int i = 0; i < hw; i++) {
                    double d = xp[i] - mu;
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
            x.get(o, xp, 0, hw);
            if (mask != null) {
                mask.get(o, mp, 0, hw);
            }
            for (int i = 0; i < hw; i++) {
                double h = ((xp[i] - mu) * r);
                double v = (h * g + be);
                if (relu && !(v > 0)) {
                    v = 0;
                }
                if (mask != null) {
                    v *= mp[i];
                }
                hp[i] = h;
                yp[i] = v;
            }
            xhat.put(o, hp, 0, hw);
            y.put(o, yp, 0, hw);
        }
    }

    private static void backward(DoubleBuffer gb, DoubleBuffer y, DoubleBuffer xhat, DoubleBuffer dx, DoubleBuffer mask, double[] rstd,
                                 double[] gamma, double[] dgamma, double[] dbeta, boolean evaluation, boolean relu, int n, int ch,
                                 int hw, int c) {
        double[][] s4 = doubles(hw);
        double[] gp = s4[0];
        double[] hp = s4[1];
        double[] yp = s4[2];
        double[] mp = s4[3];
        double sg = 0;
        double sgx = 0;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            gb.get(o, gp, 0, hw);
            xhat.get(o, hp, 0, hw);
            if (relu) {
                y.get(o, yp, 0, hw);
            }
            if (mask != null) {
                mask.get(o, mp, 0, hw);
            }
            for (int i = 0; i < hw; i++) {
                double g = gp[i];
                if (mask != null) {
                    g *= mp[i];
                }
                if (relu && !(yp[i] > 0)) {
                    g = 0;
                }
                gp[i] = g;
                sg += g;
                sgx += g * (double) hp[i];
            }
            gb.put(o, gp, 0, hw);
        }
        dbeta[c] = sg;
        dgamma[c] = sgx;
        double coef = gamma[c] * rstd[c];
        double count = (double) n * hw;
        double mg = evaluation ? 0 : sg / count;
        double mgx = evaluation ? 0 : sgx / count;
        for (int b = 0; b < n; b++) {
            int o = (b * ch + c) * hw;
            gb.get(o, gp, 0, hw);
            xhat.get(o, hp, 0, hw);
            for (int i = 0; i < hw; i++) {
                gp[i] = (coef * (gp[i] - mg - hp[i] * mgx));
            }
            dx.put(o, gp, 0, hw);
        }
    }
}
