package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;

/**
 * Gradient regularization, the finite-difference gradient of L + λ‖∇L‖ (penalizing-gradient-norm
 * paper, eqs. 6-10), with α = λ/r:
 * <pre>
 *   paper form (eq. 10, default):   g = (1 − α)·g₁ + α·∇L(θ + r·g₁/‖g₁‖)
 *   code form (gnp's default):      g = (1 − α)·g₁/‖g₁‖ + α·∇L(θ + r·g₁/‖g₁‖)
 * </pre>
 * The two agree only at α = 1, where GR is SAM with ρ = r. In the code form g₁ = 0 gives g = 0.
 * Two evaluations; one when α_t = 0,
 * r_t = 0, g₁ = 0 (then ∇L(θ + 0) = g₁ is reused) or during zero-warmup. The warmup policies of
 * the harmful-GR paper are a {@link GrWarmup} (by name: the keys {@code warmup} and
 * {@code warmup_epochs}). α may be negative or above 1 (the paper's α sweep).
 */
public final class GradientRegularization implements GradientEstimator {

    /** Which combination of g₁ and the perturbed gradient is returned. */
    public enum Form {
        /** Eq. 10 of the paper: (1 − α)·g₁ + α·g₂. */
        PAPER,
        /** The authors' code default: (1 − α)·g₁/‖g₁‖ + α·g₂. */
        NORMALIZED_G1
    }

    /**
     * Registry entry: {@code gr:r=…,alpha=…|lambda=…,form=paper|code,warmup=none|r|lambda|zero,warmup_epochs=…,scope=…}.
     * The warmup's length is {@code warmup_epochs} of the loop's epochs, or the LR warmup's length;
     * both come from the {@link StepContext}.
     */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("gr",
            "gradient-norm penalty by finite differences (Zhao et al. 2022 eq. 10), alpha = lambda/r, two evaluations",
            Sam.keys(Key.number("r", null, Range.NON_NEGATIVE, "finite-difference radius"),
                    Key.optionalNumber("alpha", Range.FINITE, "mixing weight alpha = lambda/r (give alpha or lambda)"),
                    Key.optionalNumber("lambda", Range.FINITE, "penalty weight lambda (give alpha or lambda)"),
                    Key.choice("form", "paper", java.util.List.of("paper", "code", "normalized", "normalised"),
                            "eq. 10 (paper) or the authors' code default, (1 - alpha) g1/|g1| + alpha g2 (code)"),
                    Key.choice("warmup", "none", java.util.List.of("none", "r", "lambda", "zero"),
                            "GR warmup policy of the harmful-GR paper (r: eq. 10, lambda: eqs. 12-13, zero: eq. 14)"),
                    Key.optionalNumber("warmup_epochs", Range.NON_NEGATIVE, "GR warmup length in epochs (default: the LR warmup's)")),
            "r=0.1,alpha=0.8", (a, steps) -> Scope.of(a).over(fromArgs(a, steps)));

    private static GradientRegularization fromArgs(org.gradreg.common.registry.Args a, StepContext steps) {
        if (a.given("alpha") == a.given("lambda")) {
            throw new IllegalArgumentException("gr needs exactly one of alpha or lambda (alpha = lambda/r), got " + a.values());
        }
        double r = a.number("r");
        GradientRegularization gr = a.given("alpha") ? of(r, a.number("alpha")) : ofLambda(r, a.number("lambda"));
        if (a.given("form")) {
            gr = gr.form(a.choice("form").equals("paper") ? Form.PAPER : Form.NORMALIZED_G1);
        }
        return gr.warmup(warmup(a, steps == null ? StepContext.NONE : steps));
    }

    /** The warmup policy of the keys, over warmup_epochs of the loop's epochs or the LR warmup's length. */
    private static GrWarmup warmup(org.gradreg.common.registry.Args a, StepContext steps) {
        GrWarmup none = GrWarmup.none();
        if (a.choice("warmup").equals("none")) {
            if (a.given("warmup_epochs")) {
                throw new IllegalArgumentException("gr: warmup_epochs needs a warmup policy (warmup=r, lambda or zero)");
            }
            return none;
        }
        if (!steps.known()) {
            throw new IllegalArgumentException("gr: warmup=" + a.choice("warmup") + " takes its length from a training loop (its "
                    + "LR warmup or warmup_epochs); outside one, use GradientRegularization.rWarmup/lambdaWarmup/zeroWarmup(steps)");
        }
        long length = a.given("warmup_epochs") ? Math.round(a.number("warmup_epochs") * steps.stepsPerEpoch()) : steps.lrWarmupSteps();
        if (steps.totalSteps() > 0 && length > steps.totalSteps()) {
            throw new IllegalArgumentException("gr: the GR warmup of " + length + " steps (warmup_epochs=" + a.values().get("warmup_epochs")
                    + ") is longer than the run's " + steps.totalSteps() + " steps");
        }
        return GrWarmup.parse(a.choice("warmup"), length);
    }

    private final Schedule r;
    private final Schedule alpha;
    private final Form form;
    private final GrWarmup warmup;
    private final Perturbation perturbation = new Perturbation();

    private GradientRegularization(Schedule r, Schedule alpha, Form form, GrWarmup warmup) {
        this.r = r;
        this.alpha = alpha;
        this.form = form;
        this.warmup = warmup;
    }

    /** GR with radius r and α = λ/r, paper form, no GR warmup. */
    public static GradientRegularization of(double r, double alpha) {
        return of(Schedule.constant(Hyper.nonNegative("r", r)), Schedule.constant(Hyper.finite("alpha", alpha)));
    }

    public static GradientRegularization of(Schedule r, Schedule alpha) {
        return new GradientRegularization(r, alpha, Form.PAPER, GrWarmup.none());
    }

    /** GR given λ (the penalty weight) and r: α = λ/r. */
    public static GradientRegularization ofLambda(double r, double lambda) {
        Hyper.positive("r", r);
        return of(r, lambda / r);
    }

    public GradientRegularization form(Form f) {
        return new GradientRegularization(r, alpha, f, warmup);
    }

    public GradientRegularization warmup(GrWarmup w) {
        return new GradientRegularization(r, alpha, form, w);
    }

    /** r-warmup over {@code steps} (eq. 10 of the harmful-GR paper). */
    public GradientRegularization rWarmup(long steps) {
        return warmup(GrWarmup.r(steps));
    }

    /** λ-warmup over {@code steps} (eqs. 12-13). */
    public GradientRegularization lambdaWarmup(long steps) {
        return warmup(GrWarmup.lambda(steps));
    }

    /** Zero-warmup over {@code steps} (eq. 14). */
    public GradientRegularization zeroWarmup(long steps) {
        return warmup(GrWarmup.zero(steps));
    }

    public Schedule r() {
        return r;
    }

    public Schedule alpha() {
        return alpha;
    }

    public GrWarmup warmup() {
        return warmup;
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double rT = warmup.r(Hyper.nonNegativeAt("r", r, step), step);
        double alphaT = warmup.alpha(Hyper.finiteAt("alpha", alpha, step), step);
        boolean plain = warmup.plain(step);
        Estimators.Checked first = Estimators.primary(oracle, step);
        Params g1 = first.gradient();
        double norm = first.norm();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("r", rT);
        values.put("alpha", plain ? 0.0 : alphaT);
        values.put("lambda", plain ? 0.0 : alphaT * rT);
        if (plain) {
            return new Estimate(first.loss(), g1, g1, norm, 1, values);
        }
        if (form == Form.PAPER && alphaT == 0) {
            return new Estimate(first.loss(), g1, g1, norm, 1, values);
        }
        Params g2 = g1;
        int evaluations = 1;
        if (alphaT != 0 && rT != 0 && norm != 0) {
            Ascent eps = Direction.GRADIENT.ascent(oracle.params(), g1, norm, rT, step);
            g2 = perturbation.evaluate(oracle, step, "GR perturbed evaluation", eps).gradient();
            evaluations = 2;
        }
        // g₁ = 0: the code's g₁/‖g₁‖ is 0/0; gradreg takes it as 0 (the step is then α·g₁ = 0)
        double c1 = form == Form.PAPER ? 1 - alphaT : norm == 0 ? 0 : (1 - alphaT) / norm;
        // g = c1·g₁ + α·g₂, in g₂'s storage when g₂ is a fresh evaluation (g₁ stays the primary gradient)
        Params g = (g2 == g1 ? g1.copy() : g2).scale(alphaT).addScaled(c1, g1);
        return new Estimate(first.loss(), g, g1, norm, evaluations, values);
    }

    @Override
    public String toString() {
        return "gr(r=" + r + ", alpha=" + alpha + (form == Form.PAPER ? "" : ", form=" + form)
                + (warmup.kind() == GrWarmup.Kind.NONE ? "" : ", " + warmup) + ")";
    }
}
