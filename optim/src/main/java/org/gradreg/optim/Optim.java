package org.gradreg.optim;

import java.util.Map;
import java.util.Set;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.estimator.StepContext;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Registry;
import org.gradreg.common.registry.Spec;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.RuleFactory;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.schedule.ScheduleFactory;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.gradreg.optim.transform.GradientTransform;
import org.gradreg.optim.transform.TransformFactory;

/**
 * Static factories for JShell and for code that reads like the papers:
 * <pre>
 *   import static org.gradreg.optim.Optim.*;
 *   var opt = optimizer(adam(warmupCosine(1e-3, 400, 6000))).estimator(gr(0.1, 0.8).zeroWarmup(400)).transform(clip(5));
 *   var opt2 = optimizer(adamW(1e-3, 0.05).agr(Agr.Placement.PAPER));
 *   var opt3 = optimizer(sgd(0.1).momentum(0.9)).estimator(gnr(0.1, 0.1).over(sam(0.05)));
 * </pre>
 * and by-name construction for command lines ({@link #rule(String, Schedule, double)},
 * {@link #estimator(String, String, StepContext)}).
 */
public final class Optim {

    private Optim() {
    }

    public static Optimizer optimizer(UpdateRule rule) {
        return Optimizer.of(rule);
    }

    public static Sgd sgd(double lr) {
        return Sgd.of(lr);
    }

    public static Sgd sgd(Schedule lr) {
        return Sgd.of(lr);
    }

    public static Adam adam(double lr) {
        return Adam.of(lr);
    }

    public static Adam adam(Schedule lr) {
        return Adam.of(lr);
    }

    public static AdamW adamW(double lr, double weightDecay) {
        return AdamW.of(lr, weightDecay);
    }

    public static AdamW adamW(Schedule lr) {
        return AdamW.of(lr);
    }

    public static AdamS adamS(double lr, double weightDecay) {
        return AdamS.of(lr, weightDecay);
    }

    public static RmsProp rmsProp(double lr) {
        return RmsProp.of(lr);
    }

    public static Adan adan(double lr) {
        return Adan.of(lr);
    }

    public static Plain plain() {
        return Plain.of();
    }

    public static Sam sam(double rho) {
        return Sam.of(rho);
    }

    public static GradientRegularization gr(double r, double alpha) {
        return GradientRegularization.of(r, alpha);
    }

    public static Gnr gnr(double rho, double alpha) {
        return Gnr.of(rho, alpha);
    }

    public static ClipByGlobalNorm clip(double maxNorm) {
        return new ClipByGlobalNorm(maxNorm);
    }

    public static Agr agr() {
        return Agr.psi();
    }

    public static Schedule constant(double v) {
        return Schedule.constant(v);
    }

    public static Schedule linearWarmup(double peak, long warmupSteps) {
        return Schedule.linearWarmup(peak, warmupSteps);
    }

    public static Schedule warmupCosine(double peak, long warmupSteps, long totalSteps) {
        return Schedule.warmupCosine(peak, warmupSteps, totalSteps);
    }

    /** Names {@link #rule(String, Schedule, double)} knows (the {@link Registries#RULES} registry's). */
    public static final Set<String> RULES = Registries.RULES.names();

    /**
     * The update rule {@code spec} ({@code name} or {@code name:key=value,…}, e.g.
     * {@code adamw:beta1=0.95,eps=1e-6}) with learning rate {@code lr} and weight decay
     * {@code weightDecay}: for sgd, adam and rmsprop coupled L2, the add_decayed_weights transform
     * before the rule (a {@link org.gradreg.optim.rule.Chain}, as torch's {@code weight_decay});
     * for adamw, adams and adan the rule's own decay (decoupled, scheduled, proximal).
     * {@code sgd-nesterov} is SGD with Nesterov momentum 0.9.
     * Names, keys, defaults and ranges: {@link Registries#RULES}.
     */
    public static UpdateRule rule(String spec, Schedule lr, double weightDecay) {
        Hyper.nonNegative("weight decay", weightDecay);
        Registry.Parsed<RuleFactory> p = Registries.RULES.parse(spec);
        return p.factory().create(lr, weightDecay, p.args());
    }

    /** Names {@link #estimator(String, String, StepContext)} knows (the {@link Registries#ESTIMATORS} registry's). */
    public static final Set<String> ESTIMATORS = Registries.ESTIMATORS.names();

    /**
     * The estimator called {@code name} with hyper-parameters {@code spec} in {@code key=value,…}
     * form, e.g. sam {@code rho}, gr {@code r,alpha|lambda[,form=paper|code,warmup,warmup_epochs]}, gsam
     * {@code rho,alpha[,rho_min,lr_max,lr_min]}; the two-pass ones take {@code scope=full|micro|groups,m}.
     * gr's {@code warmup} and {@code warmup_epochs} take their length from {@code steps}, the training
     * loop's step context (null outside a loop). Names, keys, defaults and ranges:
     * {@link Registries#ESTIMATORS} (docs/registries.md). An optimizer binds the estimator to its rule ({@code forRule}).
     */
    public static GradientEstimator estimator(String name, String spec, StepContext steps) {
        Entry<EstimatorFactory> e = Registries.ESTIMATORS.entry(name);
        return e.factory().create(e.args(keyValues(spec)), steps);
    }

    /** The estimator {@code spec} ({@code name:key=value,…}, e.g. {@code sam:rho=0.05}), outside a training loop. */
    public static GradientEstimator estimator(String spec) {
        Registry.Parsed<EstimatorFactory> p = Registries.ESTIMATORS.parse(spec);
        return p.factory().create(p.args(), null);
    }

    /** The transform {@code spec} ({@code clip:max_norm=5}, {@code agr}, {@code add_decayed_weights:weight_decay=1e-4}). */
    public static GradientTransform transform(String spec) {
        Registry.Parsed<TransformFactory> p = Registries.TRANSFORMS.parse(spec);
        return p.factory().create(p.args());
    }

    /** The schedule {@code spec} (cosine, constant) peaking at {@code peak} after {@code warmupSteps}, over {@code totalSteps}. */
    public static Schedule schedule(String spec, double peak, long warmupSteps, long totalSteps) {
        Registry.Parsed<ScheduleFactory> p = Registries.SCHEDULES.parse(spec);
        return p.factory().create(peak, warmupSteps, totalSteps, p.args());
    }

    /** Parses {@code "a=1,b=2"} (blank: empty) into an ordered map, rejecting malformed or repeated keys. */
    public static Map<String, String> keyValues(String spec) {
        return Spec.keyValues(spec);
    }
}
