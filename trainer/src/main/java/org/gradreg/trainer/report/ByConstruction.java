package org.gradreg.trainer.report;

import java.util.Map;

/**
 * Settings that train identically by construction, read from their configuration (never from
 * their results): GR with zero-warmup (harmful-GR paper, eq. 14: plain single-gradient steps while
 * t &lt; T_w, then GR) whose warmup T_w — its {@code warmup_epochs}, else the LR warmup's length —
 * lasts the whole run takes only plain steps, so it is the same training as no GR. Comparing the
 * two measures nothing; the report gives no verdict and {@code reproduce --quick} does not run it.
 */
public final class ByConstruction {

    private ByConstruction() {
    }

    /** Why settings {@code s} (by setting path) train exactly as plain training, or null when they do not by construction. */
    public static String plainTraining(Map<String, Object> s) {
        if (!"gr".equals(s.get("estimator.name")) || !"zero".equals(String.valueOf(s.get("estimator.warmup")))) {
            return null;
        }
        double epochs = number(s.get("run.epochs"));
        Object own = s.get("estimator.warmup_epochs");
        double warmup = own != null ? number(own) : number(s.get("optimizer.schedule.warmupEpochs"));
        if (!(warmup >= epochs)) {
            return null;
        }
        return "zero-warmup GR whose warmup (" + Text.number(warmup) + " epochs) covers the whole " + Text.number(epochs)
                + "-epoch run takes only plain steps";
    }

    /** Why two settings that differ only in their estimator train identically, or null. */
    static String identical(Map<String, Object> a, Map<String, Object> b) {
        String wa = plain(a) ? "plain training" : plainTraining(a);
        String wb = plain(b) ? "plain training" : plainTraining(b);
        if (wa == null || wb == null || plain(a) && plain(b)) {
            return null;
        }
        return "identical by construction (" + (plain(a) ? wb : wa) + ")";
    }

    private static boolean plain(Map<String, Object> s) {
        return "plain".equals(s.get("estimator.name"));
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : v == null ? Double.NaN : Double.parseDouble(String.valueOf(v));
    }
}
