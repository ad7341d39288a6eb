package org.gradreg.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.rule.Chain;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.gradreg.optim.transform.GradientTransform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A gradient estimator, a chain of gradient transforms and an update rule, applied in that order
 * at every {@link #step}:
 * <pre>
 *   oracle → estimator (plain | SAM family | GR | GNR | GAM) → transforms (clip, AGR …) → update rule (SGD, Adam …)
 *            [→ θ − η_t·d, an estimator's decoupled term (WSAM)]
 * </pre>
 * For example, Adam + warmup-cosine LR + GR(r = 0.1, α = 0.8) with zero-warmup + clipping at 5:
 * <pre>
 *   Optimizer.of(Adam.of(Schedule.warmupCosine(1e-3, 400, 6000)))
 *            .estimator(GradientRegularization.of(0.1, 0.8).zeroWarmup(400))
 *            .transform(new ClipByGlobalNorm(5.0));
 * </pre>
 * The builder methods return new optimizers with fresh state; the step counter and the rule's
 * moments live in the optimizer returned last.
 *
 * <p>Composition has one way for each thing: coupled L2 is the {@code add_decayed_weights}
 * transform (a rule built with it is a {@link Chain}, whose transforms run after the optimizer's
 * own, just before the rule); AGR's Ψ is either the {@link Agr} transform or a rule's
 * {@link UpdateRule#agrPlacement placement}, and an optimizer with both (or with two Agr
 * transforms) is refused.
 */
public final class Optimizer {

    private static final String STEP_KEY = "optimizer/step";

    private final UpdateRule rule;
    private final GradientEstimator estimator;
    private final List<GradientTransform> transforms;
    /** The transforms of the rule's {@link Chain}: stateless, run after {@link #transforms}. */
    private final List<GradientTransform> ruleTransforms;
    private long step;

    private Optimizer(UpdateRule rule, GradientEstimator estimator, List<GradientTransform> transforms,
                      List<GradientTransform> ruleTransforms) {
        this.rule = Objects.requireNonNull(rule, "rule").fresh();
        this.estimator = Objects.requireNonNull(estimator, "estimator").forRule(this.rule);
        this.transforms = List.copyOf(transforms);
        this.ruleTransforms = List.copyOf(ruleTransforms);
        requireOneAgr();
    }

    /**
     * The rule with plain gradients and no transforms of its own; a {@link Chain}'s transforms run
     * just before its rule, which is this optimizer's {@link #rule()}.
     */
    public static Optimizer of(UpdateRule rule) {
        return rule instanceof Chain c ? new Optimizer(c.rule(), Plain.of(), List.of(), c.transforms())
                : new Optimizer(rule, Plain.of(), List.of(), List.of());
    }

    /** The same optimizer with {@code e} estimating the gradient (bound to this optimizer's rule: {@link GradientEstimator#forRule}). */
    public Optimizer estimator(GradientEstimator e) {
        return new Optimizer(rule, e, transforms, ruleTransforms);
    }

    /** The same optimizer with {@code t} appended to its own transforms (before those of the rule's chain). */
    public Optimizer transform(GradientTransform t) {
        List<GradientTransform> ts = new ArrayList<>(transforms);
        ts.add(Objects.requireNonNull(t, "transform"));
        return new Optimizer(rule, estimator, ts, ruleTransforms);
    }

    /** AGR's Ψ at most once: a rule placement and the transform, or two transforms, are refused. */
    private void requireOneAgr() {
        List<GradientTransform> agr = new ArrayList<>();
        for (GradientTransform t : transforms()) {
            if (t instanceof Agr) {
                agr.add(t);
            }
        }
        if (agr.size() > 1 || (!agr.isEmpty() && rule.agrPlacement() != null)) {
            throw new IllegalArgumentException("AGR is configured twice: " + (agr.size() > 1 ? agr.size() + " agr transforms"
                    : "the rule's placement " + rule.agrPlacement() + " (" + rule + ") and the agr transform")
                    + ". Use one: the rule's agr=paper (Psi feeds the first moment, AGR Algorithm 2) or agr=code (Psi feeds both"
                    + " moments, the official code), or the agr transform (Psi replaces the gradient, for any rule)");
        }
    }

    /** The update rule (a {@link Chain}'s rule, without its transforms). */
    public UpdateRule rule() {
        return rule;
    }

    public GradientEstimator estimator() {
        return estimator;
    }

    /** Every transform in the order they run: the optimizer's own, then those of the rule's chain. */
    public List<GradientTransform> transforms() {
        List<GradientTransform> all = new ArrayList<>(transforms);
        all.addAll(ruleTransforms);
        return all;
    }

    /** Steps taken so far (the index of the next step). */
    public long stepCount() {
        return step;
    }

    /**
     * The gradient the update rule would receive if a step were taken now on the oracle's current
     * batch (the estimator's estimate, then every transform), without taking it: nothing of the
     * optimizer changes, and the parameters are restored by the estimator as always. For
     * measurements at fixed parameters over several batches (Var(ψ), harmful-GR §4). Refuses
     * estimators and transforms that carry state from step to step, which a probe would disturb.
     */
    public Params probeGradient(Oracle oracle) {
        if (!estimator.state().isEmpty()) {
            throw new IllegalStateException("cannot probe the gradient of " + estimator + ": it carries state from step to step");
        }
        for (GradientTransform t : transforms) {
            if (!t.state().isEmpty()) {
                throw new IllegalStateException("cannot probe the gradient through " + t + ": it carries state from step to step");
            }
        }
        for (GradientTransform t : ruleTransforms) {
            if (!t.state().isEmpty()) {
                throw new IllegalStateException("cannot probe the gradient through " + t + ": it carries state from step to step");
            }
        }
        Params g = estimator.estimate(oracle, step).gradient();
        for (GradientTransform t : transforms) {
            g = t.apply(g, oracle.params(), step);
        }
        for (GradientTransform t : ruleTransforms) {
            g = t.apply(g, oracle.params(), step);
        }
        return g;
    }

    /**
     * One step on the oracle's current batch: estimate, transform, update the oracle's parameters
     * in place. A NaN or infinite loss or gradient throws {@link NonFiniteException} before any
     * parameter changes.
     */
    public StepInfo step(Oracle oracle) {
        Params params = oracle.params();
        Estimate est = estimator.estimate(oracle, step);
        Params g = est.gradient();
        if (g != est.firstGradient()) {
            // the built-in estimators check every evaluation; this guards combinations and user estimators
            g.requireFinite("step " + step + ": estimated gradient (" + estimator + ")");
        }
        for (int i = 0; i < transforms.size(); i++) {
            GradientTransform t = transforms.get(i);
            if (i == 0 && t instanceof ClipByGlobalNorm clip && estimator instanceof Plain && g == est.firstGradient()) {
                // the plain estimate's norm is g.norm2() of these values, taken by its finiteness check: the same number, not a second pass
                g = clip.apply(g, est.firstGradientNorm());
            } else {
                g = t.apply(g, params, step);
            }
        }
        for (GradientTransform t : ruleTransforms) {
            g = t.apply(g, params, step);
        }
        Params decoupled = est.decoupled();
        if (decoupled != null) {
            decoupled.requireFinite("step " + step + ": decoupled term (" + estimator + ")");
        }
        double lr = rule.lr().at(step);
        rule.apply(params, g, step);
        if (decoupled != null) {
            params.addScaled(-lr, decoupled);
        }
        StepInfo info = new StepInfo(step, est.loss(), est.firstGradientNorm(), lr, est.evaluations(), est.values());
        step++;
        NativeMemory.collectAfterStep();
        return info;
    }

    /** Runs {@code n} steps and returns the last step's info. */
    public StepInfo run(Oracle oracle, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of steps must be >= 1, got " + n);
        }
        StepInfo last = null;
        for (int i = 0; i < n; i++) {
            last = step(oracle);
        }
        return last;
    }

    /**
     * The optimizer state for a checkpoint, every stateful part nested under its own prefix:
     * {@code rule/…}, {@code estimator/…}, {@code transform/<i>/…} (i: position in the chain) and the
     * step counter {@code optimizer/step}. Without estimator or transform state this is the format
     * of earlier checkpoints (rule entries and the step).
     */
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        State.nest(s, "rule", rule.state());
        State.nest(s, "estimator", estimator.state());
        for (int i = 0; i < transforms.size(); i++) {
            State.nest(s, "transform/" + i, transforms.get(i).state());
        }
        s.put(STEP_KEY, Nd4j.scalar(DataType.INT64, step));
        return s;
    }

    /**
     * Restores a state saved by {@link #state()}: each part checks its own entries (names, shapes)
     * and an entry no part claims is an error naming it. Nothing changes when a check fails.
     */
    public void loadState(Map<String, INDArray> state) {
        INDArray s = state.get(STEP_KEY);
        if (s == null) {
            throw new IllegalArgumentException("optimizer state has no '" + STEP_KEY + "' entry; keys: " + state.keySet());
        }
        for (String k : state.keySet()) {
            boolean known = k.equals(STEP_KEY) || k.startsWith("rule/") || k.startsWith("estimator/");
            for (int i = 0; i < transforms.size() && !known; i++) {
                known = k.startsWith("transform/" + i + "/");
            }
            if (!known) {
                throw new IllegalArgumentException("optimizer state entry '" + k + "' belongs to no part of " + this
                        + " (parts: rule/, estimator/, transform/0.." + (transforms.size() - 1) + "/, " + STEP_KEY + ")");
            }
        }
        // the rule, whose state the built-in parts alone keep, loads last: a failing check of the
        // (stateless) estimator or transforms leaves it untouched
        estimator.loadState(State.part(state, "estimator"));
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).loadState(State.part(state, "transform/" + i));
        }
        rule.loadState(State.part(state, "rule"));
        step = s.getLong(0);
    }

    /**
     * {@link #loadState(Map)} after checking the rule's entries against the parameters they belong
     * to: every {@code rule/kind/tensor} names a tensor of {@code params} and has its shape.
     */
    public void loadState(Map<String, INDArray> state, Params params) {
        for (Map.Entry<String, INDArray> e : State.part(state, "rule").entrySet()) {
            int slash = e.getKey().indexOf('/');
            if (slash < 0) {
                continue;
            }
            String tensor = e.getKey().substring(slash + 1);
            if (!params.names().contains(tensor)) {
                throw new IllegalArgumentException("optimizer state entry 'rule/" + e.getKey() + "' is for tensor '" + tensor
                        + "', which the parameters do not have (parameters: " + params.names() + ")");
            }
            State.requireShape("optimizer", "rule/" + e.getKey(), params.get(tensor), e.getValue());
        }
        loadState(state);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(rule.toString());
        if (!(estimator instanceof Plain)) {
            s.append(" + ").append(estimator);
        }
        for (GradientTransform t : transforms()) {
            s.append(" + ").append(t);
        }
        return s.toString();
    }
}
