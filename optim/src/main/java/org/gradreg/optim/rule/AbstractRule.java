package org.gradreg.optim.rule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** State bookkeeping shared by the update rules: named moment slots and the rule's own step count. */
abstract class AbstractRule implements UpdateRule {

    private static final String COUNT = "count";

    protected final Schedule lr;
    private final Map<String, INDArray> slots = new LinkedHashMap<>();
    private final Map<String, INDArray> scratch = new java.util.HashMap<>();
    /** Number of updates applied since construction or the last reset (t in the papers, from 1 inside apply). */
    protected long count;

    AbstractRule(Schedule lr) {
        this.lr = java.util.Objects.requireNonNull(lr, "lr");
    }

    @Override
    public Schedule lr() {
        return lr;
    }

    protected double lrAt(long step) {
        return Hyper.nonNegativeAt("lr", lr, step);
    }

    /** The state slot {@code kind} of tensor {@code name}, created as zeros shaped like {@code like}. */
    protected INDArray slot(String kind, String name, INDArray like) {
        return slots.computeIfAbsent(kind + "/" + name, k -> Nd4j.zeros(like.dataType(), like.shape()));
    }

    /**
     * A work buffer for tensor {@code name} shaped like {@code like}, reused across steps and not
     * part of the state. ND4J allocations of large tensors cost more than the arithmetic on them,
     * so the rules compute in place into these.
     */
    protected INDArray scratch(String kind, String name, INDArray like) {
        INDArray s = scratch.get(kind + "/" + name);
        if (s == null || s.length() != like.length() || s.dataType() != like.dataType()) {
            s = Nd4j.createUninitialized(like.dataType(), like.shape());
            scratch.put(kind + "/" + name, s);
        }
        return s;
    }

    /** y ← y + a·x in place (BLAS axpy). */
    protected static void axpy(double a, INDArray x, INDArray y) {
        org.gradreg.optim.Params.axpy(a, x, y);
    }

    protected boolean hasSlot(String kind, String name) {
        return slots.containsKey(kind + "/" + name);
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>(slots);
        s.put(COUNT, Nd4j.scalar(DataType.INT64, count));
        return s;
    }

    @Override
    public void loadState(Map<String, INDArray> state) {
        slots.clear();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            if (e.getKey().equals(COUNT)) {
                count = e.getValue().getLong(0);
            } else {
                slots.put(e.getKey(), e.getValue().dup());
            }
        }
    }

    @Override
    public void reset() {
        slots.clear();
        scratch.clear();
        count = 0;
    }
}
