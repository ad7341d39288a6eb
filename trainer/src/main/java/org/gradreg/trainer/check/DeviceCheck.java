package org.gradreg.trainer.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.ConvShape;
import org.gradreg.trainer.compute.CpuBackend;
import org.gradreg.trainer.compute.Tensor;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.nn.Dropout;
import org.gradreg.trainer.nn.Engine;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks a device backend against the CPU backend, the reference it must equal to rounding: every
 * backend operation on random inputs; every model of the registry at a small size (loss, logits,
 * every gradient and the running statistics, in DOUBLE and FLOAT, with host and with drawn dropout
 * masks); 20-step SAM, GR and GNR runs through the optimizer; and resident device memory over many
 * steps. Each check is a {@link Row} with the measured error, its tolerance and the verdict; the
 * tolerances are fixed here, before any device ran: relative {@value #TOL_DOUBLE} in DOUBLE and
 * {@value #TOL_FLOAT} in FLOAT. The error of a tensor is max|a − b| / max(max|a|, 1e-30); for a
 * model's gradients the denominator is at least 10⁻³ of the largest gradient entry of the model, so
 * that a gradient which is zero in exact arithmetic (the attention key bias: softmax ignores it)
 * is compared as the rounding noise it is, not relative to itself.
 * {@code gradreg check-device} and the cuda module's tests run it.
 */
public final class DeviceCheck {

    public static final double TOL_DOUBLE = 1e-10;
    public static final double TOL_FLOAT = 1e-4;

    /** One check: what, the measured error (or value), its tolerance, and whether it passed. */
    public record Row(String what, double error, double tolerance, boolean pass, String note) {
        static Row of(String what, double error, double tolerance, String note) {
            return new Row(what, error, tolerance, error <= tolerance, note);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-6s %-72s %10.3g  (tolerance %.0e)%s", pass ? "PASS" : "FAIL", what, error, tolerance,
                    note == null || note.isEmpty() ? "" : "  " + note);
        }
    }

    private final Function<DataType, Backend> device;

    /** Checks the backends {@code device} opens (one per data type) against the CPU. */
    public DeviceCheck(Function<DataType, Backend> device) {
        this.device = device;
    }

    static double tolerance(DataType t) {
        return t == DataType.DOUBLE ? TOL_DOUBLE : TOL_FLOAT;
    }

    /** max|a − b| / max(max|a|, 1e-30). */
    public static double relError(INDArray reference, INDArray other) {
        return relError(reference, other, 1e-30);
    }

    /** max|a − b| / max(max|a|, floor). */
    public static double relError(INDArray reference, INDArray other, double floor) {
        INDArray a = reference.castTo(DataType.DOUBLE).reshape(reference.length());
        INDArray b = other.castTo(DataType.DOUBLE).reshape(other.length());
        double scale = Math.max(a.amaxNumber().doubleValue(), Math.max(floor, 1e-30));
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }

    // ---- operations ----

    /** A host array, its CPU tensor and its device tensor (uploaded). */
    private static final class Twin {
        final INDArray host;
        final Tensor cpu;
        final Tensor dev;

        Twin(INDArray host, Backend be) {
            this.host = host;
            this.cpu = CpuBackend.wrap(host.dup());
            this.dev = be.create(host.shape());
            be.upload(host, dev);
        }

        Tensor on(boolean device) {
            return device ? dev : cpu;
        }
    }

    @FunctionalInterface
    private interface Op {
        void run(Backend be, boolean device);
    }

    /** Every backend operation on random inputs, outputs compared with the CPU's. */
    public List<Row> operations(DataType type) {
        List<Row> rows = new ArrayList<>();
        Backend cpu = new CpuBackend(type);
        try (Backend dev = device.apply(type)) {
            SplittableRandom r = new SplittableRandom(42);
            double tol = tolerance(type);
            int n = 37;
            int d = 19;
            Twin x = twin(dev, type, r, n, d);
            Twin y = twin(dev, type, r, n, d);
            Twin w = twin(dev, type, r, d, 11);
            Twin wt = twin(dev, type, r, 11, d);
            Twin out = twin(dev, type, r, n, 11);
            check(rows, "gemm x·W + C", type, tol, cpu, dev, out, (be, g) -> be.gemm(x.on(g), false, w.on(g), false, out.on(g), 0.7, 0.3));
            Twin out2 = twin(dev, type, r, d, 11);
            check(rows, "gemm xᵀ·C", type, tol, cpu, dev, out2, (be, g) -> be.gemm(x.on(g), true, out.on(g), false, out2.on(g), 1.0, 0.0));
            Twin bT = twin(dev, type, r, 11, n);
            check(rows, "gemm xᵀ·Bᵀ (both transposed)", type, tol, cpu, dev, out2, (be, g) -> be.gemm(x.on(g), true, bT.on(g), true, out2.on(g),
                    1.0, 0.5));
            Twin out3 = twin(dev, type, r, n, d);
            check(rows, "gemm x·Wtᵀ", type, tol, cpu, dev, out, (be, g) -> be.gemm(x.on(g), false, wt.on(g), true, out.on(g), 1.0, 1.0));
            Twin bias = twin(dev, type, r, 1, d);
            check(rows, "addRowVector", type, tol, cpu, dev, x, (be, g) -> be.addRowVector(x.on(g), bias.on(g)));
            check(rows, "addColumnSums", type, tol, cpu, dev, bias, (be, g) -> be.addColumnSums(y.on(g), bias.on(g)));
            check(rows, "add", type, tol, cpu, dev, out3, (be, g) -> be.add(x.on(g), y.on(g), out3.on(g)));
            check(rows, "addInPlace", type, tol, cpu, dev, x, (be, g) -> be.addInPlace(x.on(g), y.on(g)));
            check(rows, "multiplyInPlace", type, tol, cpu, dev, x, (be, g) -> be.multiplyInPlace(x.on(g), y.on(g)));
            check(rows, "copy", type, 0, cpu, dev, out3, (be, g) -> be.copy(y.on(g), out3.on(g)));
            check(rows, "zero", type, 0, cpu, dev, out3, (be, g) -> be.zero(out3.on(g)));
            check(rows, "dropoutMask (rate 0.3)", type, 0, cpu, dev, out3, (be, g) -> be.dropoutMask(out3.on(g), 0.3, 1234567L));
            // layer norm, GELU, softmax, cross-entropy
            Twin gamma = twin(dev, type, r, 1, d);
            Twin beta = twin(dev, type, r, 1, d);
            Twin xhat = twin(dev, type, r, n, d);
            Twin rstd = twin(dev, type, r, n, 1);
            Twin ln = twin(dev, type, r, n, d);
            Op lnf = (be, g) -> be.layerNormForward(x.on(g), gamma.on(g), beta.on(g), 1e-6, xhat.on(g), rstd.on(g), ln.on(g));
            check(rows, "layerNormForward y", type, tol, cpu, dev, ln, lnf);
            rows.add(compare("layerNormForward x̂", type, tol, cpu, dev, xhat));
            rows.add(compare("layerNormForward rstd", type, tol, cpu, dev, rstd));
            Twin dgamma = twin(dev, type, r, 1, d);
            Twin dbeta = twin(dev, type, r, 1, d);
            Twin dx = twin(dev, type, r, n, d);
            Twin scratch = twin(dev, type, r, n, d);
            check(rows, "layerNormBackward dx", type, tol, cpu, dev, dx,
                    (be, g) -> be.layerNormBackward(y.on(g), xhat.on(g), rstd.on(g), gamma.on(g), dgamma.on(g), dbeta.on(g), dx.on(g),
                            scratch.on(g)));
            rows.add(compare("layerNormBackward dγ", type, tol, cpu, dev, dgamma));
            rows.add(compare("layerNormBackward dβ", type, tol, cpu, dev, dbeta));
            Twin cdf = twin(dev, type, r, n, d);
            Twin ge = twin(dev, type, r, n, d);
            check(rows, "geluForward", type, tol, cpu, dev, ge, (be, g) -> be.geluForward(x.on(g), cdf.on(g), ge.on(g)));
            rows.add(compare("geluForward Φ", type, tol, cpu, dev, cdf));
            check(rows, "geluBackward", type, tol, cpu, dev, y, (be, g) -> be.geluBackward(x.on(g), cdf.on(g), y.on(g), scratch.on(g)));
            Twin s = twin(dev, type, r, 6, 7, 7);
            check(rows, "softmaxRows", type, tol, cpu, dev, s, (be, g) -> be.softmaxRows(s.on(g), 7));
            Twin dp = twin(dev, type, r, 6, 7, 7);
            Twin tt = twin(dev, type, r, 6, 7, 7);
            check(rows, "softmaxBackward", type, tol, cpu, dev, dp, (be, g) -> be.softmaxBackward(dp.on(g), s.on(g), tt.on(g), 7));
            Twin logits = twin(dev, type, r, 9, 5);
            Twin target = new Twin(ModelOracle.targets(new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3}, 5, 0.1, type), dev);
            Twin dlogits = twin(dev, type, r, 9, 5);
            double lc = cpu.crossEntropy(logits.cpu, target.cpu, dlogits.cpu);
            double ld = dev.crossEntropy(logits.dev, target.dev, dlogits.dev);
            rows.add(Row.of("crossEntropy loss", Math.abs(lc - ld) / Math.abs(lc), tol, ""));
            rows.add(compare("crossEntropy dlogits", type, tol, cpu, dev, dlogits));
            // attention heads: B = 3, H = 2, T = 5, dh = 4
            int b = 3;
            int h = 2;
            int t = 5;
            int dh = 4;
            Twin q = twin(dev, type, r, b * t, h * dh);
            Twin k = twin(dev, type, r, b * t, h * dh);
            Twin sc = twin(dev, type, r, b * h, t, t);
            check(rows, "headsABt", type, tol, cpu, dev, sc, (be, g) -> be.headsABt(q.on(g), k.on(g), sc.on(g), 0.5, b, h, t, dh));
            Twin o = twin(dev, type, r, b * t, h * dh);
            check(rows, "headsPB", type, tol, cpu, dev, o, (be, g) -> be.headsPB(sc.on(g), k.on(g), o.on(g), 0.5, false, b, h, t, dh));
            check(rows, "headsPB (Pᵀ)", type, tol, cpu, dev, o, (be, g) -> be.headsPB(sc.on(g), k.on(g), o.on(g), 1.0, true, b, h, t, dh));
            // token embedding
            Twin x0 = twin(dev, type, r, b * t, d);
            Twin pos = twin(dev, type, r, t, d);
            Twin cls = twin(dev, type, r, 1, d);
            Twin eb = twin(dev, type, r, 1, d);
            Twin term = twin(dev, type, r, t, d);
            check(rows, "tokenEmbedding", type, tol, cpu, dev, x0,
                    (be, g) -> be.tokenEmbedding(x0.on(g), pos.on(g), cls.on(g), eb.on(g), term.on(g), b, t, d));
            check(rows, "tokenEmbeddingBackward dpos", type, tol, cpu, dev, pos,
                    (be, g) -> be.tokenEmbeddingBackward(x0.on(g), pos.on(g), cls.on(g), eb.on(g), b, t, d));
            rows.add(compare("tokenEmbeddingBackward dcls", type, tol, cpu, dev, cls));
            rows.add(compare("tokenEmbeddingBackward dbias", type, tol, cpu, dev, eb));
            Twin first = twin(dev, type, r, b, d);
            check(rows, "gatherFirstTokens", type, 0, cpu, dev, first, (be, g) -> be.gatherFirstTokens(x0.on(g), first.on(g), b, t, d));
            check(rows, "scatterFirstTokens", type, 0, cpu, dev, x0, (be, g) -> be.scatterFirstTokens(first.on(g), x0.on(g), b, t, d));
            // convolutions: 3×3 stride 1 and 2, 1×1 stride 2
            for (int[] c : new int[][] {{3, 1}, {3, 2}, {1, 2}}) {
                ConvShape cs = new ConvShape(2, 3, 7, 6, 4, c[0], c[1], (c[0] - 1) / 2);
                Twin ci = twin(dev, type, r, 2, 3, 7, 6);
                Twin cw = twin(dev, type, r, c[0], c[0], 3, 4);
                Twin co = twin(dev, type, r, 2, 4, cs.outHeight(), cs.outWidth());
                String what = "conv2d " + c[0] + "x" + c[0] + " stride " + c[1];
                check(rows, what, type, tol, cpu, dev, co, (be, g) -> be.conv2d(cs, ci.on(g), cw.on(g), co.on(g)));
                Twin cdw = twin(dev, type, r, c[0], c[0], 3, 4);
                Twin cdx = twin(dev, type, r, 2, 3, 7, 6);
                check(rows, what + " backward dW", type, tol, cpu, dev, cdw,
                        (be, g) -> be.conv2dBackward(cs, ci.on(g), cw.on(g), co.on(g), cdw.on(g), cdx.on(g)));
                rows.add(compare(what + " backward dx", type, tol, cpu, dev, cdx));
            }
            // batch norm, training (with statistics update, ReLU, mask) and evaluation
            for (boolean eval : new boolean[] {false, true}) {
                int nb = 3;
                int ch = 4;
                Twin bx = twin(dev, type, r, nb, ch, 5, 3);
                Twin bxhat = twin(dev, type, r, nb, ch, 5, 3);
                Twin by = twin(dev, type, r, nb, ch, 5, 3);
                Twin mask = new Twin(maskArray(type, r, nb * ch * 15).reshape(nb, ch, 5, 3), dev);
                Twin[] v = new Twin[10];
                for (int i = 0; i < v.length; i++) {
                    v[i] = twin(dev, type, r, ch);
                }
                v[5] = new Twin(org.nd4j.linalg.ops.transforms.Transforms.abs(v[5].host, true).addi(0.5), dev); // a positive running variance
                Function<Boolean, Backend.BatchNormTensors> bt = g -> new Backend.BatchNormTensors(v[0].on(g), v[1].on(g), v[2].on(g),
                        v[3].on(g), v[4].on(g), v[5].on(g), v[6].on(g), v[7].on(g), v[8].on(g), v[9].on(g));
                String what = "batchNorm " + (eval ? "evaluation" : "training");
                check(rows, what + " forward y", type, tol, cpu, dev, by,
                        (be, g) -> be.batchNormForward(bx.on(g), bxhat.on(g), by.on(g), bt.apply(g), eval, true, 0.1, 1e-5, true, mask.on(g)));
                rows.add(compare(what + " forward x̂", type, tol, cpu, dev, bxhat));
                rows.add(compare(what + " running mean", type, tol, cpu, dev, v[4]));
                rows.add(compare(what + " running var", type, tol, cpu, dev, v[5]));
                Twin bg = twin(dev, type, r, nb, ch, 5, 3);
                Twin bdx = twin(dev, type, r, nb, ch, 5, 3);
                check(rows, what + " backward dx", type, tol, cpu, dev, bdx,
                        (be, g) -> be.batchNormBackward(bg.on(g), by.on(g), bxhat.on(g), bdx.on(g), bt.apply(g), eval, true, mask.on(g)));
                rows.add(compare(what + " backward dγ", type, tol, cpu, dev, v[2]));
                rows.add(compare(what + " backward dβ", type, tol, cpu, dev, v[3]));
            }
            Twin rx = twin(dev, type, r, 2, 3, 4, 6);
            check(rows, "relu", type, 0, cpu, dev, rx, (be, g) -> be.relu(rx.on(g)));
            Twin rg = twin(dev, type, r, 2, 3, 4, 6);
            check(rows, "reluBackward", type, 0, cpu, dev, rg, (be, g) -> be.reluBackward(rx.on(g), rg.on(g)));
            Twin px = twin(dev, type, r, 2, 3, 4, 6);
            Twin py = twin(dev, type, r, 2, 3, 2, 3);
            check(rows, "maxPool2", type, 0, cpu, dev, py, (be, g) -> be.maxPool2(px.on(g), py.on(g)));
            Twin pdx = twin(dev, type, r, 2, 3, 4, 6);
            check(rows, "maxPool2Backward", type, 0, cpu, dev, pdx, (be, g) -> be.maxPool2Backward(px.on(g), py.on(g), pdx.on(g)));
            Twin gy = twin(dev, type, r, 2, 3);
            check(rows, "globalAvgPool", type, tol, cpu, dev, gy, (be, g) -> be.globalAvgPool(px.on(g), gy.on(g)));
            check(rows, "globalAvgPoolBackward", type, tol, cpu, dev, pdx, (be, g) -> be.globalAvgPoolBackward(gy.on(g), pdx.on(g)));
        }
        return rows;
    }

    private static INDArray maskArray(DataType type, SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() < 0.3 ? 0 : 1 / 0.7;
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    private static Twin twin(Backend dev, DataType type, SplittableRandom r, long... shape) {
        int n = Math.toIntExact(Tensor.lengthOf(shape));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        return new Twin(Nd4j.createFromArray(v).castTo(type).reshape(shape).dup('c'), dev);
    }

    private static void check(List<Row> rows, String what, DataType type, double tol, Backend cpu, Backend dev, Twin out, Op op) {
        try {
            op.run(cpu, false);
            op.run(dev, true);
            rows.add(compare(what, type, tol, cpu, dev, out));
        } catch (RuntimeException e) {
            rows.add(new Row(what + " (" + type + ")", Double.NaN, tol, false, "threw " + e));
        }
    }

    private static Row compare(String what, DataType type, double tol, Backend cpu, Backend dev, Twin t) {
        INDArray d = Nd4j.create(type, t.host.shape());
        dev.download(t.dev, d);
        INDArray c = CpuBackend.array(t.cpu);
        return Row.of(what + " (" + type + ")", relError(c, d), tol, "");
    }

    // ---- models ----

    /**
     * The registry's models at small sizes: spec and image side. Sizes keep every batch norm over at
     * least 12 values per channel at batch 3: over fewer the computation is ill-conditioned in FLOAT
     * (ResNet-18 on 8×8 at batch 2 normalises its last stage over 2 values per channel, and the CPU's
     * own FLOAT gradients differ from its DOUBLE ones by 6.8e-4 there, against 4.6e-6 on 16×16).
     */
    public static List<String[]> smallModels() {
        return List.of(
                new String[] {"vit-micro:patch=4,hidden=12,mlp=20,heads=3,layers=2,dropout=0.2,attn_dropout=0.25,zero_head=0", "8"},
                new String[] {"vit-nano:layers=1,hidden=16,mlp=32,heads=2,zero_head=0", "16"},
                new String[] {"linear", "8"},
                new String[] {"resnet18:width=4,blocks=1", "16"},
                new String[] {"wrn-28-10:depth=10,widen=1,dropout=0.3", "16"},
                new String[] {"vgg16-bn:width=2", "64"},
                new String[] {"cnn-small:width=4", "16"});
    }

    /** Every model in {@code models}: loss, logits, gradients and running statistics on the device against the CPU's, same seed. */
    public List<Row> models(DataType type, List<String[]> models, int batch) {
        List<Row> rows = new ArrayList<>();
        double tol = tolerance(type);
        for (String[] m : models) {
            int image = Integer.parseInt(m[1]);
            for (boolean drawn : new boolean[] {false, true}) {
                String what = m[0] + " " + type + (drawn ? " drawn masks" : " host masks");
                try {
                    Models.Model parsed = Models.parse(m[0], 3, image);
                    Engine c = parsed.engine(5, new CpuBackend(type), 7);
                    try (Engine g = parsed.engine(5, device.apply(type), 7)) {
                        rows.addAll(compareEngines(what, c, g, type, tol, image, batch, drawn));
                    }
                } catch (RuntimeException e) {
                    rows.add(new Row(what, Double.NaN, tol, false, "threw " + e));
                }
            }
        }
        return rows;
    }

    private static List<Row> compareEngines(String what, Engine c, Engine g, DataType type, double tol, int image, int batch, boolean drawn) {
        List<Row> rows = new ArrayList<>();
        Batch b = Batches.training(SyntheticCifar.generate(64, 8, 5, image, 3).train(), batch, true, 1).get(0, 0);
        INDArray in = c.input(b);
        INDArray target = ModelOracle.targets(b.labels(), 5, 0.1, type);
        Dropout masks = drawn ? new Dropout.Drawn(99) : hostMasks(c, batch, type);
        for (int pass = 0; pass < 2; pass++) {
            Engine.Result rc = c.lossAndGradients(in, target, masks, false, true);
            Map<String, INDArray> gc = copy(rc.gradients());
            INDArray lc = rc.logits().dup();
            double lossC = rc.loss();
            Engine.Result rg = g.lossAndGradients(in, target, masks, false, true);
            double worst = Math.abs(lossC - rg.loss()) / Math.max(Math.abs(lossC), 1e-30);
            String where = "loss";
            double e = relError(lc, rg.logits());
            if (e > worst) {
                worst = e;
                where = "logits";
            }
            double scale = gc.values().stream().mapToDouble(x -> x.amaxNumber().doubleValue()).max().orElse(0);
            for (String k : gc.keySet()) {
                e = relError(gc.get(k), rg.gradients().get(k), 1e-3 * scale);
                if (!(e <= worst)) {
                    worst = e;
                    where = k;
                }
            }
            for (String k : c.runningStatistics().keySet()) {
                e = relError(c.runningStatistics().get(k), g.runningStatistics().get(k));
                if (!(e <= worst)) {
                    worst = e;
                    where = k;
                }
            }
            rows.add(Row.of(what + (pass == 0 ? " training pass" : " 2nd pass"), worst, tol, "worst: " + where));
        }
        double ec = c.loss(in, target, Dropout.NONE, true).loss();
        double eg = g.loss(in, target, Dropout.NONE, true).loss();
        rows.add(Row.of(what + " evaluation loss", Math.abs(ec - eg) / Math.max(Math.abs(ec), 1e-30), tol, ""));
        return rows;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }

    private static Dropout hostMasks(Engine e, int batch, DataType type) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(11);
        for (var s : e.dropoutSites()) {
            INDArray a = maskArray(type, r, Math.toIntExact(Tensor.lengthOf(s.shape().apply(batch))));
            m.put(s.placeholder(), a.reshape(s.shape().apply(batch)));
        }
        return new Dropout.Host(m);
    }

    // ---- optimizer steps ----

    /**
     * {@code steps} SAM, GR and GNR steps (AdamW with clipping, device-drawn masks) on the device and
     * the CPU from one seed: the worst relative difference of the losses and of the final parameters.
     * The attention key biases are left out of the parameter comparison: their gradient is zero in
     * exact arithmetic (softmax ignores a per-row constant), and Adam turns its rounding noise into
     * full-size steps of arbitrary sign, in any two implementations; they do not change the loss.
     */
    public List<Row> steps(DataType type, String spec, int image, int batch, int steps) {
        List<Row> rows = new ArrayList<>();
        double tol = type == DataType.DOUBLE ? TOL_DOUBLE * 100 : TOL_FLOAT * 10;
        Models.Model m = Models.parse(spec, 3, image);
        List<Batch> data = new ArrayList<>();
        Batches train = Batches.training(SyntheticCifar.generate(batch * 4, 8, 5, image, 3).train(), batch, true, 3);
        for (int s = 0; s < steps; s++) {
            data.add(train.get(s / train.count(), s % train.count()));
        }
        for (String est : new String[] {"sam", "gr", "gnr"}) {
            String what = spec + " " + type + " " + steps + " " + est + " steps";
            try (Engine ge = m.engine(5, device.apply(type), 7)) {
                ModelOracle oc = new ModelOracle(m.engine(5, new CpuBackend(type), 7), 1, ModelOracle.MaskSource.DEVICE);
                ModelOracle og = new ModelOracle(ge, 1, ModelOracle.MaskSource.DEVICE);
                Optimizer pc = optimizer(est);
                Optimizer pg = optimizer(est);
                double worst = 0;
                for (int s = 0; s < steps; s++) {
                    oc.setBatch(data.get(s), 0.1, 1000 + s);
                    og.setBatch(data.get(s), 0.1, 1000 + s);
                    double lc = pc.step(oc).loss();
                    double lg = pg.step(og).loss();
                    worst = Math.max(worst, Math.abs(lc - lg) / Math.max(Math.abs(lc), 1e-30));
                }
                for (String k : oc.names()) {
                    if (!k.endsWith("/key/bias")) {
                        worst = Math.max(worst, relError(oc.params().get(k), og.params().get(k)));
                    }
                }
                rows.add(Row.of(what, worst, tol, "losses and final parameters"));
            } catch (RuntimeException e) {
                rows.add(new Row(what, Double.NaN, tol, false, "threw " + e));
            }
        }
        return rows;
    }

    private static Optimizer optimizer(String est) {
        GradientEstimator e = switch (est) {
            case "sam" -> Optim.sam(0.05);
            case "gr" -> Optim.gr(0.05, 0.8);
            default -> Optim.gnr(0.1, 0.1);
        };
        return Optim.optimizer(Optim.adamW(1e-3, 0.03)).estimator(e).transform(Optim.clip(5.0));
    }

    // ---- memory ----

    /**
     * Device memory over {@code steps} AdamW steps of {@code spec} at {@code batch}: the free device
     * memory after step 10 and after the last; passes if it fell by less than 1% of the device or
     * 64 MiB, whichever is larger.
     */
    public Row memory(String spec, int image, int batch, int steps) {
        Models.Model m = Models.parse(spec, 3, image);
        try (Engine e = m.engine(10, device.apply(DataType.FLOAT), 7)) {
            ModelOracle o = new ModelOracle(e);
            Optimizer opt = Optim.optimizer(Optim.adamW(1e-4, 0.03));
            Batches train = Batches.training(SyntheticCifar.generate(batch * 4, 8, 10, image, 3).train(), batch, true, 3);
            long after10 = -1;
            long start = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                o.setBatch(train.get(s / train.count(), s % train.count()), 0.0, s);
                opt.step(o);
                if (s == 9) {
                    e.backend().synchronize();
                    after10 = e.backend().memory().availableBytes();
                }
            }
            e.backend().synchronize();
            long last = e.backend().memory().availableBytes();
            double fell = (after10 - last) / (double) (1L << 20);
            double allowed = 64;
            return Row.of(String.format(Locale.ROOT, "%s batch %d: free device memory over %d steps (MiB fallen after step 10)", spec, batch,
                    steps), Math.max(0, fell), allowed, String.format(Locale.ROOT, "%.0f → %.0f MiB free; %.1f s", after10 / 1048576.0,
                    last / 1048576.0, (System.nanoTime() - start) / 1e9));
        }
    }
}
