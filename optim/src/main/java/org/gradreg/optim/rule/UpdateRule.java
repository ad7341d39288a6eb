package org.gradreg.optim.rule;

import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A base optimizer: turns a gradient into an in-place parameter update. Implementations document
 * their equations and the source they follow.
 */
public interface UpdateRule {

    /**
     * Updates {@code params} in place from {@code gradient} at optimizer step {@code step} (from 0).
     * The gradient is consumed: the rule may overwrite it.
     */
    void apply(Params params, Params gradient, long step);

    /** The learning-rate schedule. */
    Schedule lr();

    /** The optimizer state (moments, counters) by key, for checkpoints. Arrays are live. */
    Map<String, INDArray> state();

    /** Restores state saved by {@link #state()} (copies values). */
    void loadState(Map<String, INDArray> state);

    /** Forgets all state, as a freshly built rule. */
    void reset();

    /** A new rule with the same hyper-parameters and no state. */
    UpdateRule fresh();

    /**
     * Where this rule applies AGR's Ψ ({@link Agr.Placement#PAPER}: the first moment only;
     * {@link Agr.Placement#CODE}: both moments), or null when it applies none. An optimizer refuses
     * a rule with a placement together with the {@link Agr} transform: Ψ would be applied twice.
     */
    default Agr.Placement agrPlacement() {
        return null;
    }
}
