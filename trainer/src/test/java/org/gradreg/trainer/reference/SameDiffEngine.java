package org.gradreg.trainer.reference;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.optim.NativeMemory;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.CpuBackend;
import org.gradreg.trainer.nn.Dropout;
import org.gradreg.trainer.nn.DropoutSite;
import org.gradreg.trainer.nn.Engine;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff {@link Network} as an {@link Engine} (the convolutional networks): gradients by
 * {@code calculateGradientsAndOutputs} at the variables' live arrays; batch-norm running statistics
 * (momentum 0.1, unbiased variance, as torch) kept here and moved only when asked (primary passes).
 */
public final class SameDiffEngine implements Engine {

    private final Network net;
    private final LinkedHashMap<String, INDArray> params = new LinkedHashMap<>();
    private final Map<String, INDArray> evalMasks = new HashMap<>();
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private boolean quietDone;

    public SameDiffEngine(Network net) {
        this.net = net;
        for (String v : net.trainable()) {
            params.put(v, net.sd().getVariable(v).getArr());
        }
        for (DropoutSite s : net.dropoutSites()) {
            long[] shape = new long[s.shape().apply(1).length];
            java.util.Arrays.fill(shape, 1);
            evalMasks.put(s.placeholder(), Nd4j.ones(net.type(), shape));
        }
        for (BatchNormStats bn : net.batchNorms()) {
            running.put(bn.runningMean(), Nd4j.zeros(net.type(), 1, bn.channels(), 1, 1));
            running.put(bn.runningVar(), Nd4j.ones(net.type(), 1, bn.channels(), 1, 1));
        }
    }

    private Map<String, INDArray> feed(INDArray input, INDArray target, Map<String, INDArray> masks, boolean evaluation) {
        Map<String, INDArray> f = new HashMap<>(evalMasks);
        if (!evaluation && masks != null) {
            f.putAll(masks);
        }
        f.put(Network.INPUT, input);
        f.put(Network.TARGET, target);
        if (!net.batchNorms().isEmpty()) {
            f.put(Layers.TRAINING, Nd4j.scalar(net.type(), evaluation ? 0.0 : 1.0));
            f.putAll(running);
        }
        return f;
    }

    private static Map<String, INDArray> hostMasks(Dropout d) {
        if (d instanceof Dropout.Host h) {
            return h.masks();
        }
        throw new UnsupportedOperationException("the SameDiff reference takes host masks only");
    }

    @Override
    public Result lossAndGradients(INDArray input, INDArray target, Dropout dropout, boolean evaluation, boolean updateStatistics) {
        Map<String, INDArray> masks = hostMasks(dropout);
        List<String> outs = new ArrayList<>(List.of(Network.LOSS, Network.LOGITS));
        boolean bn = updateStatistics && !evaluation && !net.batchNorms().isEmpty();
        if (bn) {
            for (BatchNormStats s : net.batchNorms()) {
                outs.add(s.batchMean());
                outs.add(s.batchVar());
                outs.add(s.count());
            }
        }
        // a large model's pass leaves gigabytes of freed-but-uncollected native arrays: collect per pass
        NativeMemory.collectAfterStep();
        Map<String, INDArray> f = feed(input, target, masks, evaluation);
        OutAndGrad r = quietly(() -> net.sd().calculateGradientsAndOutputs(f, outs, net.trainable()));
        Map<String, INDArray> g = new LinkedHashMap<>();
        for (String v : net.trainable()) {
            INDArray gv = r.getGradients().get(v);
            if (gv == null) {
                throw new IllegalStateException("no gradient for trainable variable '" + v + "'");
            }
            g.put(v, gv);
        }
        if (bn) {
            updateRunningStatistics(r.getOutputs());
        }
        return new Result(r.getOutputs().get(Network.LOSS).getDouble(0), r.getOutputs().get(Network.LOGITS), g);
    }

    @Override
    public Result loss(INDArray input, INDArray target, Dropout dropout, boolean evaluation) {
        Map<String, INDArray> masks = hostMasks(dropout);
        NativeMemory.collectAfterStep();
        Map<String, INDArray> out = net.sd().output(feed(input, target, masks, evaluation), Network.LOSS, Network.LOGITS);
        return new Result(out.get(Network.LOSS).getDouble(0), out.get(Network.LOGITS), Map.of());
    }

    /** running ← (1 − m)·running + m·batch, the variance unbiased (×n/(n − 1), n = N·H·W), as torch. */
    private void updateRunningStatistics(Map<String, INDArray> outputs) {
        for (BatchNormStats bn : net.batchNorms()) {
            INDArray mean = outputs.get(bn.batchMean());
            INDArray var = outputs.get(bn.batchVar());
            double n = outputs.get(bn.count()).getDouble(0);
            double m = bn.momentum();
            running.get(bn.runningMean()).muli(1 - m).addi(mean.reshape(1, bn.channels(), 1, 1).mul(m));
            running.get(bn.runningVar()).muli(1 - m).addi(var.reshape(1, bn.channels(), 1, 1).mul(m * n / Math.max(1.0, n - 1)));
        }
    }

    @Override
    public long activationBytes(int batch) {
        return -1; // not known for a SameDiff graph
    }

    /** SameDiff prints one line per op to stdout when it first builds a gradient graph: silence that. */
    private <T> T quietly(java.util.function.Supplier<T> f) {
        if (quietDone) {
            return f.get();
        }
        PrintStream out = System.out;
        synchronized (System.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                return f.get();
            } finally {
                System.setOut(out);
                quietDone = true;
            }
        }
    }

    @Override
    public String name() {
        return net.name();
    }

    @Override
    public String description() {
        return net.description();
    }

    @Override
    public DataType type() {
        return net.type();
    }

    @Override
    public Backend backend() {
        return new CpuBackend(net.type());
    }

    @Override
    public void close() {
    }

    @Override
    public int classes() {
        return net.classes();
    }

    @Override
    public LinkedHashMap<String, INDArray> parameters() {
        return params;
    }

    @Override
    public List<DropoutSite> dropoutSites() {
        return net.dropoutSites();
    }

    @Override
    public Map<String, INDArray> runningStatistics() {
        return running;
    }

    @Override
    public INDArray input(Batch batch) {
        return net.input(batch);
    }

    @Override
    public String toString() {
        return net.toString();
    }
}
