package org.gradreg.trainer.report;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/** How the report writes numbers, settings, cells and intervals, and what each metric is called. */
final class Text {

    private Text() {
    }

    /** What each metric is, for tables, figures and the results index. */
    static final Map<String, String> LABELS = Map.of("test_error", "test error %", "final_grad_norm", "final ‖g₁‖ (last-epoch mean)",
            "warmup_grad_norm", "‖g₁‖ over LR warmup (mean)", "warmup_log10_psi_var", "log₁₀ Var(ψ) over LR warmup (mean)",
            "hessian_top", "Hessian λ_max", "hessian_trace", "Hessian trace", "full_grad_norm", "final ‖∇L‖ (full training set)",
            "warmup_psi_var_per_coordinate", "median log₁₀ Var(ψᵢ) per coordinate over LR warmup (probes)",
            "warmup_psi_cv2_per_coordinate", "median log₁₀ Var(ψᵢ)/mean(ψᵢ)² per coordinate over LR warmup (probes)");

    /** A whole number as such, else three significant digits without trailing zeros: 0.5, 0.00005, 2. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : new BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }

    /** A setting's value: numbers as {@link #number}, anything else as its text. */
    static String value(Object v) {
        return v instanceof Double d ? number(d) : String.valueOf(v);
    }

    /** mean ± sample std (n), or mean (1); {@code digits} decimals, or three significant digits when negative. */
    static String cell(double[] xs, int digits) {
        if (xs.length == 0) {
            return "–";
        }
        DescriptiveStatistics d = new DescriptiveStatistics(xs);
        String f = digits >= 0 ? "%." + digits + "f" : "%.3g";
        return xs.length > 1 ? String.format(Locale.ROOT, f + " ± " + f + " (%d)", d.getMean(), d.getStandardDeviation(), xs.length)
                : String.format(Locale.ROOT, f + " (1)", d.getMean());
    }

    /** The paired-t interval as {@code [low, high]}, or – when undefined. */
    static String interval(Paired p, int digits) {
        if (!p.defined()) {
            return "–";
        }
        String f = digits >= 0 ? "%+." + digits + "f" : "%+.3g";
        return String.format(Locale.ROOT, "[" + f + ", " + f + "]", p.low(), p.high());
    }

    /** A p-value: two significant digits, "–" when undefined. */
    static String p(double p) {
        return Double.isNaN(p) ? "–" : p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.2g", p);
    }

    /** Text safe inside a Markdown table cell. */
    static String esc(String s) {
        return s.replace("|", "\\|");
    }
}
