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
    private final java.util.Set<String> slotKinds;
    private final Map<String, INDArray> slots = new LinkedHashMap<>();
    private final Map<String, INDArray> scratch = new java.util.HashMap<>();
    /** Number of updates applied since construction or the last reset (t in the papers, from 1 inside apply). */
    protected long count;

    /** A rule whose state slots are of the kinds {@code slotKinds} (m, v, momentum …), one per parameter tensor. */
    AbstractRule(Schedule lr, String... slotKinds) {
        this.lr = java.util.Objects.requireNonNull(lr, "lr");
        this.slotKinds = new java.util.TreeSet<>(java.util.List.of(slotKinds));
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
        INDArray s = slots.get(kind + "/" + name);
        if (s == null) {
            s = Nd4j.zeros(like.dataType(), like.shape());
            slots.put(kind + "/" + name, s);
        } else if (!java.util.Arrays.equals(s.shape(), like.shape())) {
            throw new IllegalStateException(this + ": state entry '" + kind + "/" + name + "' has shape "
                    + java.util.Arrays.toString(s.shape()) + " but parameter '" + name + "' has shape "
                    + java.util.Arrays.toString(like.shape()) + " (state loaded from a different model?)");
        }
        return s;
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

    /** The slot arrays of {@code kind} by tensor name, in the order they were created (read only). */
    protected Map<String, INDArray> slots(String kind) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        slots.forEach((k, v) -> {
            if (k.startsWith(kind + "/")) {
                out.put(k.substring(kind.length() + 1), v);
            }
        });
        return out;
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

    /**
     * Restores a state saved by {@link #state()}. Checks, naming the entry: the step count is there
     * and a scalar; every other entry is {@code kind/tensor} with a kind this rule keeps; every
     * tensor has the same kinds; an entry this rule already holds keeps its shape. The shapes
     * against the parameters are checked by {@code Optimizer.loadState(state, params)} and at the
     * next step.
     */
    @Override
    public void loadState(Map<String, INDArray> state) {
        INDArray c = state.get(COUNT);
        if (c == null || c.length() != 1) {
            throw new IllegalArgumentException(this + ": the state to load has " + (c == null ? "no" : "a non-scalar")
                    + " '" + COUNT + "' entry; entries: " + state.keySet());
        }
        Map<String, java.util.Set<String>> kindsByTensor = new java.util.TreeMap<>();
        for (String k : state.keySet()) {
            if (k.equals(COUNT)) {
                continue;
            }
            int slash = k.indexOf('/');
            String kind = slash < 0 ? "" : k.substring(0, slash);
            if (!slotKinds.contains(kind)) {
                throw new IllegalArgumentException(this + ": the state to load has an unknown entry '" + k + "'; this rule keeps "
                        + (slotKinds.isEmpty() ? "only" : slotKinds + " per tensor and") + " '" + COUNT + "'");
            }
            INDArray mine = slots.get(k);
            if (mine != null) {
                org.gradreg.optim.State.requireShape(this, k, mine, state.get(k));
            }
            kindsByTensor.computeIfAbsent(k.substring(slash + 1), t -> new java.util.TreeSet<>()).add(kind);
        }
        java.util.Set<String> first = null;
        for (Map.Entry<String, java.util.Set<String>> e : kindsByTensor.entrySet()) {
            if (first == null) {
                first = e.getValue();
            } else if (!first.equals(e.getValue())) {
                throw new IllegalArgumentException(this + ": the state to load has " + e.getValue() + " for tensor '" + e.getKey()
                        + "' but " + first + " for '" + kindsByTensor.keySet().iterator().next() + "' (incomplete state)");
            }
        }
        slots.clear();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            if (e.getKey().equals(COUNT)) {
                count = e.getValue().getLong(0);
            } else {
                slots.put(e.getKey(), e.getValue().dup());
            }
        }
    }

    /** The state slot kinds this rule keeps per tensor. */
    public java.util.Set<String> slotKinds() {
        return java.util.Collections.unmodifiableSet(slotKinds);
    }

    @Override
    public void reset() {
        slots.clear();
        scratch.clear();
        count = 0;
    }
}
