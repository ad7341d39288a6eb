package org.gradreg.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.GrWarmup;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;

/**
 * Static factories for JShell and for code that reads like the papers:
 * <pre>
 *   import static org.gradreg.optim.Optim.*;
 *   var opt = optimizer(adam(warmupCosine(1e-3, 400, 6000))).estimator(gr(0.1, 0.8).zeroWarmup(400)).transform(clip(5));
 *   var opt2 = optimizer(adamW(1e-3, 0.05).agr(Agr.Placement.PAPER));
 *   var opt3 = optimizer(sgd(0.1).momentum(0.9)).estimator(gnr(0.1, 0.1).over(sam(0.05)));
 * </pre>
 * and by-name construction for command lines ({@link #rule(String, Schedule, double)},
 * {@link #estimator(String, String, GrWarmup)}).
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

    /** Names {@link #rule(String, Schedule, double)} knows. */
    public static final Set<String> RULES = new TreeSet<>(Set.of("sgd", "sgd-nesterov", "adam", "adamw", "adams", "rmsprop", "adan"));

    /**
     * The update rule called {@code name} with learning rate {@code lr} and weight decay
     * {@code weightDecay} (coupled L2 for sgd, adam and rmsprop; decoupled for adamw; scheduled
     * for adams; proximal for adan). {@code sgd-nesterov} is SGD with Nesterov momentum 0.9.
     */
    public static UpdateRule rule(String name, Schedule lr, double weightDecay) {
        Hyper.nonNegative("weight decay", weightDecay);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> Sgd.of(lr).weightDecay(weightDecay);
            case "sgd-nesterov" -> Sgd.of(lr).momentum(0.9).nesterov().weightDecay(weightDecay);
            case "adam" -> Adam.of(lr).weightDecay(weightDecay);
            case "adamw" -> AdamW.of(lr).weightDecay(weightDecay);
            case "adams" -> AdamS.of(lr).weightDecay(weightDecay);
            case "rmsprop" -> RmsProp.of(lr).weightDecay(weightDecay);
            case "adan" -> Adan.of(lr).weightDecay(weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + RULES);
        };
    }

    /** Names {@link #estimator(String, String, GrWarmup)} knows. */
    public static final Set<String> ESTIMATORS = new TreeSet<>(Set.of("plain", "sam", "asam", "gr", "gnr", "sam+gnr"));

    /**
     * The estimator called {@code name} with hyper-parameters {@code spec} in {@code key=value,…}
     * form: sam/asam {@code rho[,eta]}; gr {@code r,alpha|lambda[,form=paper|code]}; gnr
     * {@code rho,alpha[,xi,h,k]}; sam+gnr adds {@code sam_rho}. {@code warmup} applies to gr.
     */
    public static GradientEstimator estimator(String name, String spec, GrWarmup warmup) {
        Map<String, Double> kv = new LinkedHashMap<>();
        String form = null;
        for (Map.Entry<String, String> e : keyValues(spec).entrySet()) {
            if (e.getKey().equals("form")) {
                form = e.getValue();
            } else {
                kv.put(e.getKey(), number(e.getKey(), e.getValue()));
            }
        }
        String n = name.toLowerCase(Locale.ROOT);
        GradientEstimator est = switch (n) {
            case "plain" -> {
                allow(n, kv, Set.of());
                yield Plain.of();
            }
            case "sam" -> {
                allow(n, kv, Set.of("rho"));
                yield Sam.of(require(n, kv, "rho"));
            }
            case "asam" -> {
                allow(n, kv, Set.of("rho", "eta"));
                yield Sam.of(require(n, kv, "rho")).adaptive(kv.getOrDefault("eta", 0.01));
            }
            case "gr" -> {
                allow(n, kv, Set.of("r", "alpha", "lambda"));
                double r = require(n, kv, "r");
                if (kv.containsKey("alpha") == kv.containsKey("lambda")) {
                    throw new IllegalArgumentException("gr needs exactly one of alpha or lambda (alpha = lambda/r), got '" + spec + "'");
                }
                GradientRegularization gr = kv.containsKey("alpha") ? GradientRegularization.of(r, kv.get("alpha"))
                        : GradientRegularization.ofLambda(r, kv.get("lambda"));
                if (form != null) {
                    gr = gr.form(switch (form.toLowerCase(Locale.ROOT)) {
                        case "paper" -> GradientRegularization.Form.PAPER;
                        case "code", "normalized", "normalised" -> GradientRegularization.Form.NORMALIZED_G1;
                        default -> throw new IllegalArgumentException("unknown GR form '" + form + "'; use paper or code");
                    });
                }
                yield gr.warmup(warmup == null ? GrWarmup.none() : warmup);
            }
            case "gnr", "sam+gnr" -> {
                allow(n, kv, n.equals("gnr") ? Set.of("rho", "alpha", "xi", "h", "k") : Set.of("rho", "alpha", "xi", "h", "k", "sam_rho"));
                Gnr g = Gnr.of(require(n, kv, "rho"), require(n, kv, "alpha"));
                if (kv.containsKey("xi")) {
                    g = g.xi(kv.get("xi"));
                }
                if (kv.containsKey("h")) {
                    g = g.hvpStep(kv.get("h"));
                }
                if (n.equals("sam+gnr")) {
                    g = g.over(Sam.of(require(n, kv, "sam_rho")));
                }
                yield kv.containsKey("k") ? new org.gradreg.optim.estimator.EveryK((int) (double) kv.get("k"), g) : g;
            }
            default -> throw new IllegalArgumentException("unknown gradient estimator '" + name + "'; known: " + ESTIMATORS);
        };
        if (form != null && !n.equals("gr")) {
            throw new IllegalArgumentException("'form' applies to gr only, not " + name);
        }
        if (warmup != null && warmup.kind() != GrWarmup.Kind.NONE && !n.equals("gr")) {
            throw new IllegalArgumentException("GR warmup " + warmup + " applies to gr only, not " + name);
        }
        return est;
    }

    /** Parses {@code "a=1,b=2"} (blank: empty) into an ordered map, rejecting malformed or repeated keys. */
    public static Map<String, String> keyValues(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("expected key=value in '" + spec + "', got '" + part.trim() + "'");
            }
            String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (out.put(k, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("key '" + k + "' given twice in '" + spec + "'");
            }
        }
        return out;
    }

    private static double number(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a number", e);
        }
    }

    private static void allow(String name, Map<String, Double> kv, Set<String> keys) {
        for (String k : kv.keySet()) {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("unknown " + name + " hyper-parameter '" + k + "'; known: " + new TreeSet<>(keys));
            }
        }
    }

    private static double require(String name, Map<String, Double> kv, String key) {
        Double v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + " needs " + key + "=…");
        }
        return v;
    }
}
