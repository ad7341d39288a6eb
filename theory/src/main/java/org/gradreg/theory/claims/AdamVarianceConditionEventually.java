package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * Harmful-GR paper, the remark after Theorem 4.3: "t·e^{−γ(t−1)} ≤ 1 would hold almost, as t keeps
 * increasing". h(t) = t·e^{−γ(t−1)} has h(1) = 1, rises until t = 1/γ and falls after, so for each
 * γ > 0 there is a t*(γ) from which the condition holds for good. The claim is checked as that
 * statement; t*(γ), and how much of a warmup of the paper's length it leaves outside the theorem,
 * are reported.
 */
public final class AdamVarianceConditionEventually extends BaseClaim {

    static final double[] GAMMA = {1e-4, 1e-3, 0.01, 0.1, 1};
    /** Steps of the paper's LR warmups: 20, 40, 80 epochs of CIFAR-10 at batch 256 (196 steps per epoch, Table 3). */
    static final int[] WARMUP_STEPS = {20 * 196, 40 * 196, 80 * 196};

    public AdamVarianceConditionEventually() {
        super("harmful-gr.thm4.3-condition-eventually", Papers.HARMFUL_GR, "remark after Theorem 4.3",
                "\"te^{−γ(t−1)} ≤ 1 would hold almost, as t keeps increasing\": for every γ > 0 the condition holds for all t beyond "
                        + "some t*(γ).",
                "For γ ∈ {1e-4, 1e-3, 0.01, 0.1, 1}: t*(γ), the first t > 1 from which h(t) = t·e^{−γ(t−1)} ≤ 1, found by scanning; "
                        + "then h on t ∈ [t*, 100·t*] (every step up to 10⁶ steps, then a geometric grid): margin 1 − h(t), resolution 1e-12. "
                        + "Reported: t*(γ) and the fraction of the paper's LR warmups (20, 40, 80 epochs × 196 steps, Table 3) in which the "
                        + "condition fails.");
    }

    static double h(long t, double gamma) {
        return t * Math.exp(-gamma * (t - 1));
    }

    /** The first t > 1 with h(t) ≤ 1 after h's maximum at 1/γ. */
    static long tStar(double gamma) {
        long t = Math.max(2, (long) Math.floor(1 / gamma));
        while (h(t, gamma) > 1) {
            t++;
        }
        return t;
    }

    @Override
    public Outcome check() {
        List<Case> cases = VerdictRule.cases();
        Map<String, Object> ev = new LinkedHashMap<>();
        for (double g : GAMMA) {
            long ts = tStar(g);
            double worst = Double.POSITIVE_INFINITY;
            long at = ts;
            for (long t = ts; t <= 100 * ts; t = t < ts + 1_000_000 ? t + 1 : (long) Math.ceil(t * 1.001)) {
                double m = 1 - h(t, g);
                if (m < worst) {
                    worst = m;
                    at = t;
                }
            }
            cases.add(Case.of(String.format(Locale.ROOT, "γ=%s, t ∈ [%d, %d], worst at t=%d", g, ts, 100 * ts, at), worst, 1e-12));
            StringBuilder w = new StringBuilder();
            for (int steps : WARMUP_STEPS) {
                w.append(w.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f%% of %d", 100.0 * Math.min(ts - 2, steps) / steps, steps));
            }
            ev.put(String.format(Locale.ROOT, "γ=%s", g), "t* = " + ts + "; condition fails in " + w + " warmup steps");
        }
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
