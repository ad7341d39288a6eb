package org.gradreg.optim.estimator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.SplitOracle;
import org.gradreg.optim.rule.UpdateRule;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A two-pass estimator over parts of the batch ({@link Scope} micro or groups): on each part p of
 * K, the estimator as if p were the whole batch (its own g₁ and ascent); the step's gradient, g₁,
 * loss and decoupled term are the means over the parts, its values their means (a value equal on
 * every part is reported as is). With a full-batch g₁ = mean of the parts' g₁, ‖g₁‖ is the
 * full batch's. The wrapped estimator must keep no state (it runs K times a step).
 */
public final class Scoped implements GradientEstimator {

    private final Scope scope;
    private final GradientEstimator estimator;

    Scoped(Scope scope, GradientEstimator estimator) {
        if (!estimator.state().isEmpty()) {
            throw new IllegalArgumentException(estimator + " keeps state across steps; its scope must be the full batch");
        }
        this.scope = scope;
        this.estimator = estimator;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        if (!(oracle instanceof SplitOracle split)) {
            throw new IllegalArgumentException(this + " needs an oracle that evaluates parts of its batch (a SplitOracle); "
                    + oracle.getClass().getSimpleName() + " is not one");
        }
        int n = split.batchSize();
        int size = scope.kind() == Scope.Kind.MICRO ? split.microBatchSize() : scope.m();
        if (size < 1 || n % size != 0) {
            throw new IllegalArgumentException(this + ": a batch of " + n + " examples does not split into parts of " + size);
        }
        int parts = n / size;
        Params g = null;
        Params g1 = null;
        Params decoupled = null;
        double loss = 0;
        int evaluations = 0;
        List<Map<String, Double>> values = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            Estimate e = estimator.estimate(split.part(p * size, size), step);
            loss += e.loss();
            evaluations += e.evaluations();
            values.add(e.values());
            if (p == 0) {
                g = e.gradient();
                g1 = e.firstGradient() == g ? g.copy() : e.firstGradient();
                decoupled = e.decoupled();
            } else {
                g.addScaled(1, e.gradient());
                g1.addScaled(1, e.firstGradient());
                if (decoupled != null) {
                    decoupled.addScaled(1, e.decoupled());
                }
            }
        }
        if (!estimator.state().isEmpty()) {
            throw new IllegalStateException(estimator + " keeps state across steps; its scope must be the full batch");
        }
        g.scale(1.0 / parts);
        g1.scale(1.0 / parts);
        if (decoupled != null) {
            decoupled.scale(1.0 / parts);
        }
        return new Estimate(loss / parts, g, g1, g1.norm2(), evaluations, means(values), decoupled);
    }

    private static Map<String, Double> means(List<Map<String, Double>> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : values.get(0).keySet()) {
            double first = values.get(0).get(k);
            double sum = 0;
            boolean same = true;
            for (Map<String, Double> v : values) {
                double x = v.getOrDefault(k, Double.NaN);
                sum += x;
                same &= Double.compare(x, first) == 0;
            }
            out.put(k, same ? first : sum / values.size());
        }
        return out;
    }

    @Override
    public GradientEstimator forRule(UpdateRule rule) {
        return new Scoped(scope, estimator.forRule(rule));
    }

    @Override
    public Map<String, INDArray> state() {
        return Map.of();
    }

    @Override
    public String toString() {
        return estimator + " " + scope;
    }
}
