package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer's checkpoint state nests the state of its estimator and transforms; a plain
 * optimizer's state keeps the earlier checkpoint format; loading names the entry that does not fit.
 */
class NestedStateTest {

    /** A stateful estimator (an EMA of gradients, as EMA-based SAM variants keep): g = ema ← 0.5·ema + 0.5·∇L. */
    static final class EmaEstimator implements GradientEstimator {
        private Params ema;

        @Override
        public Estimate estimate(Oracle oracle, long step) {
            Evaluation e = oracle.evaluate(Pass.PRIMARY);
            ema = ema == null ? e.gradient().copy() : ema.scale(0.5).addScaled(0.5, e.gradient());
            return new Estimate(e.loss(), ema.copy(), e.gradient(), e.gradient().norm2(), 1, Map.of());
        }

        @Override
        public Map<String, INDArray> state() {
            Map<String, INDArray> s = new LinkedHashMap<>();
            if (ema != null) {
                ema.forEach(en -> s.put("ema/" + en.getKey(), en.getValue()));
            }
            return s;
        }

        @Override
        public void loadState(Map<String, INDArray> state) {
            Map<String, INDArray> m = new LinkedHashMap<>();
            state.forEach((k, v) -> {
                if (!k.startsWith("ema/")) {
                    throw new IllegalArgumentException("ema: unknown state entry '" + k + "'");
                }
                m.put(k.substring(4), v.dup());
            });
            ema = m.isEmpty() ? null : Params.of(m);
        }

        @Override
        public String toString() {
            return "ema";
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> s) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        s.forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }

    @Test
    void plainOptimizerStateHasTheEarlierCheckpointKeys() {
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(Adam.of(0.01)).estimator(GradientRegularization.of(0.05, 0.8)).transform(new ClipByGlobalNorm(5));
        opt.run(f, 2);
        assertEquals(Set.of("rule/m/w", "rule/v/w", "rule/m/b", "rule/v/b", "rule/count", "optimizer/step"), opt.state().keySet());
    }

    @Test
    void estimatorStateIsNestedAndContinuesBitIdentically() {
        TestObjective straight = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(Adam.of(0.02)).estimator(Gnr.of(0.05, 0.1).over(new EmaEstimator())).run(straight, 7);

        TestObjective first = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer a = Optimizer.of(Adam.of(0.02)).estimator(Gnr.of(0.05, 0.1).over(new EmaEstimator()));
        a.run(first, 3);
        Map<String, INDArray> saved = copy(a.state());
        assertTrue(saved.keySet().containsAll(List.of("estimator/base/ema/w", "estimator/base/ema/b")), saved.keySet().toString());
        Optimizer b = Optimizer.of(Adam.of(0.02)).estimator(Gnr.of(0.05, 0.1).over(new EmaEstimator()));
        b.loadState(saved, first.params());
        TestObjective resumed = new TestObjective(first.x(), DataType.DOUBLE);
        b.run(resumed, 4);
        assertArrayEquals(straight.x(), resumed.x(), 0.0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of(Adam.of(0.02)).estimator(GradientRegularization.of(0.05, 0.8)).loadState(saved));
        assertTrue(e.getMessage().contains("'base/ema/w'") || e.getMessage().contains("'base/ema/b'"), e.getMessage());
    }
}
