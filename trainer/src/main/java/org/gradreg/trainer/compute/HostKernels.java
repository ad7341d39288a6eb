package org.gradreg.trainer.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link CpuBackend}'s element-wise kernels as plain Java loops over the arrays' native buffers:
 * one pass where ND4J needed one op (a native call and a pass over memory) per term (issue 20).
 *
 * <ul>
 *   <li>GELU forward and backward keep ND4J's {@code erf} and {@code exp} (one op each) and fuse
 *       the arithmetic around them; every element goes through the same operations in the same
 *       order and type as the op-by-op form, so the results are bit-identical to it.</li>
 *   <li>The dropout mask is written straight into the mask's buffer (bit-identical).</li>
 *   <li>Layer norm (forward and backward) and the softmax backward are one or two passes per row
 *       with the row sums accumulated in double: mathematically the same equations, rounded
 *       differently from ND4J's reductions (in FLOAT the sums are more accurate).</li>
 * </ul>
 *
 * <p>Every kernel takes arrays that are packed (unit strides in their ordering, as the backend
 * creates them); {@link #dense} tells the backend when an array is not, and it then runs its ND4J
 * form.
 */
final class HostKernels {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private HostKernels() {
    }

    /** Whether the kernels may run (system property {@code gradreg.hostKernels}, default true; false: ND4J ops, for benchmarks). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("gradreg.hostKernels"));
    }

    /** Whether all arrays are packed row-major ('c' or vectors), FLOAT or DOUBLE, of one type. */
    static boolean dense(INDArray... arrays) {
        if (!enabled()) {
            return false;
        }
        DataType t = arrays[0].dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != t || a.length() == 0 || a.offset() + a.length() > Integer.MAX_VALUE) {
                return false;
            }
            long[] shape = a.shape();
            long[] stride = a.stride();
            long expect = 1;
            boolean c = a.ordering() == 'c';
            int big = 0;
            for (long d : shape) {
                big += d > 1 ? 1 : 0;
            }
            if (!c && big > 1) {
                return false;
            }
            for (int k = shape.length - 1; k >= 0; k--) {
                int kk = c ? k : shape.length - 1 - k;
                if (shape[kk] != 1 && stride[kk] != expect) {
                    return false;
                }
                expect *= shape[kk];
            }
        }
        return true;
    }

    /**
     * Elements of work from which a kernel splits over {@link Team}: inside a step a waking thread
     * arrives hundreds of microseconds late on the project's machine, so a split pays only for
     * passes of a millisecond or more (the small ViT's 139k- and 278k-element kernels were no
     * faster split; issue 20, 2026-12-07).
     */
    static final long PARALLEL_MIN = 1L << 19;

    /** A kernel's body over the index range [lo, hi). */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Threads a kernel over n indices of {@code width} elements each runs on: ND4J's cap (--threads) if the work is large enough, else 1. */
    static int threads(int n, long width) {
        if ((long) n * width < PARALLEL_MIN || n < 2) {
            return 1;
        }
        return Math.max(1, Math.min(n, Team.size()));
    }

    /**
     * body over [0, n) in contiguous chunks, one per thread ({@link #threads}); every index goes
     * through the same operations whichever chunk holds it, so the result does not depend on the
     * thread count (sums over indices are never split).
     */
    static void chunks(int n, long width, Range body) {
        int t = threads(n, width);
        if (t <= 1) {
            body.run(0, n);
            return;
        }
        Team.run(t, i -> body.run((int) ((long) n * i / t), (int) ((long) n * (i + 1) / t)));
    }

    /** body over the column range [0, dim) split into {@code threads} contiguous parts (each column's sum stays on one thread, in row order). */
    private static void columnSums(int dim, int threads, Range body) {
        int t = Math.min(threads, dim);
        if (t <= 1) {
            body.run(0, dim);
            return;
        }
        Team.run(t, i -> body.run((int) ((long) dim * i / t), (int) ((long) dim * (i + 1) / t)));
    }

    private static FloatBuffer f(INDArray a) {
        return a.data().asNioFloat();
    }

    private static DoubleBuffer d(INDArray a) {
        return a.data().asNioDouble();
    }

    private static int o(INDArray a) {
        return (int) a.offset();
    }

    /** Whether the arrays are {@link #dense} and of one length (element i of each is the same element). */
    static boolean sameLength(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.length() != arrays[0].length()) {
                return false;
            }
        }
        return dense(arrays);
    }

    /** out ← x + y, or x ⊙ y with {@code multiply} (one IEEE operation per element in the arrays' type, as ND4J's add and mul). */
    static void combine(INDArray x, INDArray y, INDArray out, boolean multiply) {
        int n = (int) x.length();
        int ox = o(x);
        int oy = o(y);
        int oo = o(out);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer yb = f(y);
            FloatBuffer ob = f(out);
            chunks(n, 1, (lo, hi) -> {
                if (multiply) {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) * yb.get(oy + i));
                    }
                } else {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) + yb.get(oy + i));
                    }
                }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer yb = d(y);
            DoubleBuffer ob = d(out);
            chunks(n, 1, (lo, hi) -> {
                if (multiply) {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) * yb.get(oy + i));
                    }
                } else {
                    for (int i = lo; i < hi; i++) {
                        ob.put(oo + i, xb.get(ox + i) + yb.get(oy + i));
                    }
                }
            });
        }
    }

    /** y[r, j] ← y[r, j] + b[j] for y [N, D] (one add per element in y's type, as ND4J's addiRowVector). */
    static void addRowVector(INDArray y, INDArray b) {
        int dim = (int) b.length();
        int rows = (int) (y.length() / dim);
        int oy = o(y);
        int ob = o(b);
        if (y.dataType() == DataType.FLOAT) {
            FloatBuffer yb = f(y);
            FloatBuffer bb = f(b);
            chunks(rows, dim, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int base = oy + r * dim;
                    for (int j = 0; j < dim; j++) {
                        yb.put(base + j, yb.get(base + j) + bb.get(ob + j));
                    }
                }
            });
        } else {
            DoubleBuffer yb = d(y);
            DoubleBuffer bb = d(b);
            chunks(rows, dim, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int base = oy + r * dim;
                    for (int j = 0; j < dim; j++) {
                        yb.put(base + j, yb.get(base + j) + bb.get(ob + j));
                    }
                }
            });
        }
    }

    /** cdf ← x·(1/√2) (then ND4J's erf in place, by the caller). */
    static void geluScaleInput(INDArray x, INDArray cdf) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer cb = f(cdf);
            float s = (float) INV_SQRT2;
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    cb.put(oc + i, xb.get(ox + i) * s);
                }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    cb.put(oc + i, xb.get(ox + i) * INV_SQRT2);
                }
            });
        }
    }

    /** With cdf = erf(x/√2): cdf ← (cdf + 1)·½, y ← x·cdf. */
    static void geluFinish(INDArray x, INDArray cdf, INDArray y) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        int oy = o(y);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer cb = f(cdf);
            FloatBuffer yb = f(y);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    float c = (cb.get(oc + i) + 1f) * 0.5f;
                    cb.put(oc + i, c);
                    yb.put(oy + i, xb.get(ox + i) * c);
                }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            DoubleBuffer yb = d(y);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double c = (cb.get(oc + i) + 1.0) * 0.5;
                    cb.put(oc + i, c);
                    yb.put(oy + i, xb.get(ox + i) * c);
                }
            });
        }
    }

    /** tmp ← x·x·(−½) (then ND4J's exp in place, by the caller). */
    static void geluBackwardExponent(INDArray x, INDArray tmp) {
        int n = (int) x.length();
        int ox = o(x);
        int ot = o(tmp);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer tb = f(tmp);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    float v = xb.get(ox + i);
                    tb.put(ot + i, v * v * -0.5f);
                }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer tb = d(tmp);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double v = xb.get(ox + i);
                    tb.put(ot + i, v * v * -0.5);
                }
            });
        }
    }

    /** With tmp = exp(−x²/2): dy ← dy·(tmp·(1/√(2π))·x + cdf), i.e. dy·(Φ(x) + x·φ(x)). */
    static void geluBackwardFinish(INDArray x, INDArray cdf, INDArray tmp, INDArray dy) {
        int n = (int) x.length();
        int ox = o(x);
        int oc = o(cdf);
        int ot = o(tmp);
        int od = o(dy);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer cb = f(cdf);
            FloatBuffer tb = f(tmp);
            FloatBuffer db = f(dy);
            float s = (float) INV_SQRT_2PI;
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    db.put(od + i, db.get(od + i) * (tb.get(ot + i) * s * xb.get(ox + i) + cb.get(oc + i)));
                }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer cb = d(cdf);
            DoubleBuffer tb = d(tmp);
            DoubleBuffer db = d(dy);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    db.put(od + i, db.get(od + i) * (tb.get(ot + i) * INV_SQRT_2PI * xb.get(ox + i) + cb.get(oc + i)));
                }
            });
        }
    }

    /** Element i ← 0 if dropped ({@link DropoutHash}), else 1/(1 − rate) in the mask's type. */
    static void dropoutMask(INDArray mask, double rate, long seed) {
        int n = (int) mask.length();
        int om = o(mask);
        double keep = 1 / (1 - rate);
        if (mask.dataType() == DataType.FLOAT) {
            FloatBuffer mb = f(mask);
            float k = (float) keep;
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    mb.put(om + i, DropoutHash.dropped(seed, i, rate) ? 0f : k);
                }
            });
        } else {
            DoubleBuffer mb = d(mask);
            chunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    mb.put(om + i, DropoutHash.dropped(seed, i, rate) ? 0 : keep);
                }
            });
        }
    }

    /**
     * Layer norm of each row of x [N, D]: μ = Σx/D, σ² = Σ(x − μ)²/D (sums in double), rstd =
     * 1/√(σ² + ε), xhat = (x − μ)·rstd, y = xhat·γ + β.
     */
    static void layerNormForward(INDArray x, INDArray gamma, INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray y) {
        int rows = (int) x.size(0);
        int dim = (int) (x.length() / rows);
        int ox = o(x);
        int oh = o(xhat);
        int or = o(rstd);
        int oy = o(y);
        int og = o(gamma);
        int ob = o(beta);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = f(x);
            FloatBuffer hb = f(xhat);
            FloatBuffer rb = f(rstd);
            FloatBuffer yb = f(y);
            FloatBuffer gb = f(gamma);
            FloatBuffer bb = f(beta);
            chunks(rows, dim, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * dim;
                double sum = 0;
                for (int j = 0; j < dim; j++) {
                    sum += xb.get(ox + base + j);
                }
                double mu = sum / dim;
                double sq = 0;
                for (int j = 0; j < dim; j++) {
                    double c = xb.get(ox + base + j) - mu;
                    sq += c * c;
                }
                double rs = 1 / Math.sqrt(sq / dim + eps);
                rb.put(or + r, (float) rs);
                for (int j = 0; j < dim; j++) {
                    float h = (float) ((xb.get(ox + base + j) - mu) * rs);
                    hb.put(oh + base + j, h);
                    yb.put(oy + base + j, h * gb.get(og + j) + bb.get(ob + j));
                }
            }
            });
        } else {
            DoubleBuffer xb = d(x);
            DoubleBuffer hb = d(xhat);
            DoubleBuffer rb = d(rstd);
            DoubleBuffer yb = d(y);
            DoubleBuffer gb = d(gamma);
            DoubleBuffer bb = d(beta);
            chunks(rows, dim, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * dim;
                double sum = 0;
                for (int j = 0; j < dim; j++) {
                    sum += xb.get(ox + base + j);
                }
                double mu = sum / dim;
                double sq = 0;
                for (int j = 0; j < dim; j++) {
                    double c = xb.get(ox + base + j) - mu;
                    sq += c * c;
                }
                double rs = 1 / Math.sqrt(sq / dim + eps);
                rb.put(or + r, rs);
                for (int j = 0; j < dim; j++) {
                    double h = (xb.get(ox + base + j) - mu) * rs;
                    hb.put(oh + base + j, h);
                    yb.put(oy + base + j, h * gb.get(og + j) + bb.get(ob + j));
                }
            }
            });
        }
    }

    /**
     * Its backward: with g = dy·γ per row, dx = (g − mean(g) − xhat·mean(g·xhat))·rstd; dγ += Σ_rows
     * dy·xhat, dβ += Σ_rows dy (column sums in double, added once).
     */
    static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dgamma, INDArray dbeta,
                                  INDArray dx) {
        int rows = (int) dy.size(0);
        int dim = (int) (dy.length() / rows);
        double[] dg = new double[dim];
        double[] db = new double[dim];
        int oy = o(dy);
        int oh = o(xhat);
        int or = o(rstd);
        int og = o(gamma);
        int od = o(dx);
        if (dy.dataType() == DataType.FLOAT) {
            FloatBuffer yb = f(dy);
            FloatBuffer hb = f(xhat);
            FloatBuffer rb = f(rstd);
            FloatBuffer gb = f(gamma);
            FloatBuffer xb = f(dx);
            if (threads(rows, dim) > 1) {
                // dx row by row on the threads; dγ, dβ column by column, each column's rows in order (the same sums as below)
                chunks(rows, dim, (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int base = r * dim;
                        double s1 = 0;
                        double s2 = 0;
                        for (int j = 0; j < dim; j++) {
                            double g = yb.get(oy + base + j);
                            double gg = g * gb.get(og + j);
                            s1 += gg;
                            s2 += gg * hb.get(oh + base + j);
                        }
                        double m1 = s1 / dim;
                        double m2 = s2 / dim;
                        double rs = rb.get(or + r);
                        for (int j = 0; j < dim; j++) {
                            double gg = (double) yb.get(oy + base + j) * gb.get(og + j);
                            xb.put(od + base + j, (float) ((gg - m1 - hb.get(oh + base + j) * m2) * rs));
                        }
                    }
                });
                columnSums(dim, Math.max(1, threads(rows, dim)), (lo, hi) -> {
                    for (int r = 0; r < rows; r++) {
                        int base = r * dim;
                        for (int j = lo; j < hi; j++) {
                            double g = yb.get(oy + base + j);
                            dg[j] += g * hb.get(oh + base + j);
                            db[j] += g;
                        }
                    }
                });
            } else for (int r = 0; r < rows; r++) {
                int base = r * dim;
                double s1 = 0;
                double s2 = 0;
                for (int j = 0; j < dim; j++) {
                    double g = yb.get(oy + base + j);
                    double h = hb.get(oh + base + j);
                    double gg = g * gb.get(og + j);
                    s1 += gg;
                    s2 += gg * h;
                    dg[j] += g * h;
                    db[j] += g;
                }
                double m1 = s1 / dim;
                double m2 = s2 / dim;
                double rs = rb.get(or + r);
                for (int j = 0; j < dim; j++) {
                    double gg = (double) yb.get(oy + base + j) * gb.get(og + j);
                    xb.put(od + base + j, (float) ((gg - m1 - hb.get(oh + base + j) * m2) * rs));
                }
            }
            FloatBuffer dgb = f(dgamma);
            FloatBuffer dbb = f(dbeta);
            int ogg = o(dgamma);
            int obb = o(dbeta);
            for (int j = 0; j < dim; j++) {
                dgb.put(ogg + j, (float) (dgb.get(ogg + j) + dg[j]));
                dbb.put(obb + j, (float) (dbb.get(obb + j) + db[j]));
            }
        } else {
            DoubleBuffer yb = d(dy);
            DoubleBuffer hb = d(xhat);
            DoubleBuffer rb = d(rstd);
            DoubleBuffer gb = d(gamma);
            DoubleBuffer xb = d(dx);
            if (threads(rows, dim) > 1) {
                chunks(rows, dim, (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int base = r * dim;
                        double s1 = 0;
                        double s2 = 0;
                        for (int j = 0; j < dim; j++) {
                            double gg = yb.get(oy + base + j) * gb.get(og + j);
                            s1 += gg;
                            s2 += gg * hb.get(oh + base + j);
                        }
                        double m1 = s1 / dim;
                        double m2 = s2 / dim;
                        double rs = rb.get(or + r);
                        for (int j = 0; j < dim; j++) {
                            double gg = yb.get(oy + base + j) * gb.get(og + j);
                            xb.put(od + base + j, (gg - m1 - hb.get(oh + base + j) * m2) * rs);
                        }
                    }
                });
                columnSums(dim, threads(rows, dim), (lo, hi) -> {
                    for (int r = 0; r < rows; r++) {
                        int base = r * dim;
                        for (int j = lo; j < hi; j++) {
                            double g = yb.get(oy + base + j);
                            dg[j] += g * hb.get(oh + base + j);
                            db[j] += g;
                        }
                    }
                });
            } else for (int r = 0; r < rows; r++) {
                int base = r * dim;
                double s1 = 0;
                double s2 = 0;
                for (int j = 0; j < dim; j++) {
                    double g = yb.get(oy + base + j);
                    double h = hb.get(oh + base + j);
                    double gg = g * gb.get(og + j);
                    s1 += gg;
                    s2 += gg * h;
                    dg[j] += g * h;
                    db[j] += g;
                }
                double m1 = s1 / dim;
                double m2 = s2 / dim;
                double rs = rb.get(or + r);
                for (int j = 0; j < dim; j++) {
                    double gg = yb.get(oy + base + j) * gb.get(og + j);
                    xb.put(od + base + j, (gg - m1 - hb.get(oh + base + j) * m2) * rs);
                }
            }
            DoubleBuffer dgb = d(dgamma);
            DoubleBuffer dbb = d(dbeta);
            int ogg = o(dgamma);
            int obb = o(dbeta);
            for (int j = 0; j < dim; j++) {
                dgb.put(ogg + j, dgb.get(ogg + j) + dg[j]);
                dbb.put(obb + j, dbb.get(obb + j) + db[j]);
            }
        }
    }

    /** dp ← p ⊙ (dp − Σ_row dp ⊙ p) over rows of {@code cols} elements (row sums in double). */
    static void softmaxBackward(INDArray dp, INDArray p, int cols) {
        int rows = (int) (dp.length() / cols);
        int od = o(dp);
        int op = o(p);
        if (dp.dataType() == DataType.FLOAT) {
            FloatBuffer db = f(dp);
            FloatBuffer pb = f(p);
            chunks(rows, cols, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * cols;
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += (double) db.get(od + base + j) * pb.get(op + base + j);
                }
                for (int j = 0; j < cols; j++) {
                    db.put(od + base + j, (float) ((db.get(od + base + j) - s) * pb.get(op + base + j)));
                }
            }
            });
        } else {
            DoubleBuffer db = d(dp);
            DoubleBuffer pb = d(p);
            chunks(rows, cols, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * cols;
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += db.get(od + base + j) * pb.get(op + base + j);
                }
                for (int j = 0; j < cols; j++) {
                    db.put(od + base + j, (db.get(od + base + j) - s) * pb.get(op + base + j));
                }
            }
            });
        }
    }
}
