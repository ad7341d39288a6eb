package org.gradreg.optim.estimator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.Hyper;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.landscape.FiniteDifferenceHvp;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.optim.schedule.Schedule;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Gradient norm regularizer, GNR paper Algorithm 1 (ρ, α, ξ):
 * <pre>
 *   h_loss = the base estimator's gradient (plain ∇L(θ), or SAM's)
 *   f      = H(θ)·∇L(θ) / (‖∇L(θ)‖ + ξ)
 *   θ_adv  = θ + ρ·f / (‖f‖ + ξ)
 *   h_norm = ρ·H(θ_adv)·∇L(θ_adv) / (‖∇L(θ_adv)‖ + ξ)
 *   g      = h_loss + α·h_norm
 * </pre>
 * ND4J has no double backprop, so each Hessian-vector product is a forward difference of
 * gradients along the unit direction û of u: H·u ≈ ‖u‖·(∇L(x + h·û) − ∇L(x)) / h, error O(h)
 * (penalizing-gradient-norm paper eq. 8). The step h is {@link #hvpStep} (default 1e-4 for DOUBLE
 * parameters, 1e-2 for FLOAT, where a smaller h drowns in rounding). Cost: the base estimator's
 * evaluations + 3 (∇L(θ + h·û), ∇L(θ_adv), ∇L(θ_adv + h·û_adv)): 4 over plain, 5 over SAM.
 */
public final class Gnr implements GradientEstimator {

    /** Registry entry: {@code gnr:rho=…,alpha=…,xi=…,h=…,k=…}. */
    public static final Entry<EstimatorFactory> ENTRY = new Entry<EstimatorFactory>("gnr",
            "gradient norm regularizer (Zhang et al. 2023, Algorithm 1) over the plain gradient, four evaluations",
            keys(false), "rho=0.1,alpha=0.1", (a, w) -> fromArgs(a, false));

    /** Registry entry: {@code sam+gnr:rho=…,alpha=…,sam_rho=…}, GNR over SAM's h_loss. */
    public static final Entry<EstimatorFactory> SAM_GNR_ENTRY = new Entry<EstimatorFactory>("sam+gnr",
            "GNR over SAM's gradient (Zhang et al. 2023, Algorithm 1 with SAM's h_loss), five evaluations",
            keys(true), "rho=0.1,alpha=0.1,sam_rho=0.05", (a, w) -> fromArgs(a, true));

    private static java.util.List<Key> keys(boolean overSam) {
        java.util.List<Key> k = new java.util.ArrayList<>(java.util.List.of(
                Key.number("rho", null, Range.NON_NEGATIVE, "radius of the ascent on the gradient norm"),
                Key.number("alpha", null, Range.FINITE, "weight of the gradient-norm term"),
                Key.number("xi", 1e-12, Range.NON_NEGATIVE, "added to norms in divisions"),
                Key.number("h", Double.NaN, Range.POSITIVE, "finite-difference step of the Hessian-vector products (auto: 1e-4 double, 1e-2 float)"),
                Key.integer("k", 1L, Range.atLeast(1), "apply GNR on every k-th step only (Table 4)")));
        if (overSam) {
            k.add(Key.number("sam_rho", null, Range.NON_NEGATIVE, "SAM's ascent radius"));
        }
        return k;
    }

    private static GradientEstimator fromArgs(org.gradreg.common.registry.Args a, boolean overSam) {
        Gnr g = of(a.number("rho"), a.number("alpha"));
        if (a.given("xi")) {
            g = g.xi(a.number("xi"));
        }
        if (a.given("h")) {
            g = g.hvpStep(a.number("h"));
        }
        if (overSam) {
            g = g.over(Sam.of(a.number("sam_rho")));
        }
        return a.given("k") ? new EveryK((int) a.integer("k"), g) : g;
    }

    private final Schedule rho;
    private final Schedule alpha;
    private final double xi;
    private final double hvpStep;
    private final GradientEstimator base;
    private final Perturbation perturbation = new Perturbation();

    private Gnr(Schedule rho, Schedule alpha, double xi, double hvpStep, GradientEstimator base) {
        this.rho = rho;
        this.alpha = alpha;
        this.xi = Hyper.nonNegative("xi", xi);
        this.hvpStep = hvpStep;
        this.base = base;
    }

    /** GNR over the plain gradient; the paper's CIFAR setting is {@code Gnr.of(0.1, 0.1)}. */
    public static Gnr of(double rho, double alpha) {
        return of(Schedule.constant(Hyper.nonNegative("rho", rho)), Schedule.constant(Hyper.finite("alpha", alpha)));
    }

    public static Gnr of(Schedule rho, Schedule alpha) {
        return new Gnr(rho, alpha, 1e-12, Double.NaN, Plain.INSTANCE);
    }

    /** GNR on top of another estimator's h_loss, e.g. {@code Gnr.of(0.1, 0.1).over(Sam.of(0.05))}. */
    public Gnr over(GradientEstimator lossGradient) {
        if (lossGradient instanceof Gnr) {
            throw new IllegalArgumentException("GNR over GNR is not defined");
        }
        return new Gnr(rho, alpha, xi, hvpStep, lossGradient);
    }

    public Gnr xi(double x) {
        return new Gnr(rho, alpha, x, hvpStep, base);
    }

    /** The finite-difference step h of the Hessian-vector products. */
    public Gnr hvpStep(double h) {
        return new Gnr(rho, alpha, xi, Hyper.positive("hvpStep", h), base);
    }

    @Override
    public Estimate estimate(Oracle oracle, long step) {
        double rhoT = Hyper.nonNegativeAt("rho", rho, step);
        double alphaT = Hyper.finiteAt("alpha", alpha, step);
        Estimate lossPart = base.estimate(oracle, step);
        Map<String, Double> values = new LinkedHashMap<>(lossPart.values());
        values.put("gnr_rho", rhoT);
        values.put("gnr_alpha", alphaT);
        if (rhoT == 0 || alphaT == 0) {
            return new Estimate(lossPart.loss(), lossPart.gradient(), lossPart.firstGradient(),
                    lossPart.firstGradientNorm(), lossPart.evaluations(), values);
        }
        double h = Double.isNaN(hvpStep) ? (oracle.params().dataType() == DataType.DOUBLE ? 1e-4 : 1e-2) : hvpStep;
        Params g1 = lossPart.firstGradient();
        double n1 = lossPart.firstGradientNorm();
        // f = H·g₁/(‖g₁‖ + ξ) = ‖g₁‖/(‖g₁‖ + ξ) · H·ĝ₁
        Params f = n1 == 0 ? g1.zerosLike()
                : hessianTimesUnit(oracle, step, "GNR HVP at theta", g1, n1, h).scale(n1 / (n1 + xi));
        Ascent toAdv = new Ascent(rhoT / (f.norm2() + xi), f);
        Estimators.Checked adv = perturbation.evaluate(oracle, step, "GNR evaluation at theta_adv", toAdv);
        Params gAdv = adv.gradient();
        double nAdv = adv.norm();
        Params hNorm = nAdv == 0 ? gAdv.zerosLike()
                : hessianTimesUnit(oracle, step, "GNR HVP at theta_adv", gAdv, nAdv, h, toAdv).scale(rhoT * nAdv / (nAdv + xi));
        Params g = lossPart.gradient() == g1 ? g1.copy() : lossPart.gradient();
        g.addScaled(alphaT, hNorm);
        // the HVPs are skipped (H·0 = 0) where the gradient they start from is zero
        int evaluations = lossPart.evaluations() + 1 + (n1 == 0 ? 0 : 1) + (nAdv == 0 ? 0 : 1);
        return new Estimate(lossPart.loss(), g, g1, n1, evaluations, values);
    }

    /**
     * H(x)·ĝ ≈ (∇L(x + h·ĝ) − ∇L(x)) / h with ĝ = ∇L(x)/‖∇L(x)‖, given {@code gradAtX} = ∇L(x) at
     * x = θ + {@code toX} (θ itself without it); θ is restored.
     */
    private Params hessianTimesUnit(Oracle oracle, long step, String where, Params gradAtX, double gradNorm, double h, Ascent... toX) {
        Ascent[] shifts = java.util.Arrays.copyOf(toX, toX.length + 1);
        shifts[toX.length] = new Ascent(h / gradNorm, gradAtX);
        return FiniteDifferenceHvp.forward(perturbation.evaluate(oracle, step, where, shifts).gradient(), gradAtX, h);
    }

    @Override
    public Gnr forRule(org.gradreg.optim.rule.UpdateRule rule) {
        GradientEstimator b = base.forRule(rule);
        return b == base ? this : new Gnr(rho, alpha, xi, hvpStep, b);
    }

    /** The base estimator's state under {@code base/} (GNR itself keeps none). */
    @Override
    public Map<String, org.nd4j.linalg.api.ndarray.INDArray> state() {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> s = new LinkedHashMap<>();
        org.gradreg.optim.State.nest(s, "base", base.state());
        return s;
    }

    @Override
    public void loadState(Map<String, org.nd4j.linalg.api.ndarray.INDArray> state) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> b = org.gradreg.optim.State.part(state, "base");
        for (String k : state.keySet()) {
            if (!k.startsWith("base/")) {
                throw new IllegalArgumentException(this + ": the state to load has an unknown entry '" + k
                        + "'; GNR keeps only its base estimator's state, under base/");
            }
        }
        base.loadState(b);
    }

    @Override
    public String toString() {
        return "gnr(rho=" + rho + ", alpha=" + alpha + (base == Plain.INSTANCE ? "" : ", over " + base) + ")";
    }
}
