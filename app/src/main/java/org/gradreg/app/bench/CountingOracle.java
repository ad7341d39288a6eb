package org.gradreg.app.bench;

import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;

/** Counts the evaluations of the oracle it wraps. */
public final class CountingOracle implements Oracle {

    private final Oracle inner;
    private long count;

    public CountingOracle(Oracle inner) {
        this.inner = inner;
    }

    @Override
    public Params params() {
        return inner.params();
    }

    @Override
    public Evaluation evaluate(Pass pass) {
        count++;
        return inner.evaluate(pass);
    }

    public long count() {
        return count;
    }
}
