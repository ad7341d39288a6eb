package org.gradreg.theory.claims;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.VerdictRule;

/** GNR paper §2.3: the cos example. */
public final class GnrCosExample extends BaseClaim {

    static final double TOLERANCE = 1e-6;

    public GnrCosExample() {
        super("gnr.cos-example", "gnr-gradient-norm-regularizer", "§2.3, Figure 1a",
                "With ρ = 1, L₁ = cos(πθ + π) has R^SAM(0) = 2, R^GNR(0) = π and L₂ = cos(3πθ + π) has R^SAM(0) = 2, R^GNR(0) = 3π: "
                        + "SAM rates the two minima equally sharp, GNR separates them.",
                "optim's Sharpness.sam / Sharpness.gnr (dense grid over [−1, 1] refined by golden-section search) at θ = 0, ρ = 1, "
                        + "against the stated values; margin −|deviation|, resolution 1e-6 (the grid search's accuracy).");
    }

    /** cos(kπθ + π) with its derivative. */
    public static VectorFunction cos(int k) {
        return VectorFunction.of(t -> Math.cos(k * Math.PI * t[0] + Math.PI),
                t -> new double[] {-k * Math.PI * Math.sin(k * Math.PI * t[0] + Math.PI)});
    }

    @Override
    public Outcome check() {
        double sam1 = Sharpness.sam(cos(1), new double[] {0}, 1);
        double gnr1 = Sharpness.gnr(cos(1), new double[] {0}, 1);
        double sam3 = Sharpness.sam(cos(3), new double[] {0}, 1);
        double gnr3 = Sharpness.gnr(cos(3), new double[] {0}, 1);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("R^SAM(0), L1", sam1);
        ev.put("R^GNR(0), L1", gnr1);
        ev.put("R^SAM(0), L2", sam3);
        ev.put("R^GNR(0), L2", gnr3);
        double err = Math.max(Math.max(Math.abs(sam1 - 2), Math.abs(sam3 - 2)), Math.max(Math.abs(gnr1 - Math.PI), Math.abs(gnr3 - 3 * Math.PI)));
        ev.put("max deviation from the stated values", err);
        java.util.List<VerdictRule.Case> cases = java.util.List.of(
                VerdictRule.Case.of("R^SAM(0) = 2 for L1", -Math.abs(sam1 - 2), TOLERANCE),
                VerdictRule.Case.of("R^GNR(0) = π for L1", -Math.abs(gnr1 - Math.PI), TOLERANCE),
                VerdictRule.Case.of("R^SAM(0) = 2 for L2", -Math.abs(sam3 - 2), TOLERANCE),
                VerdictRule.Case.of("R^GNR(0) = 3π for L2", -Math.abs(gnr3 - 3 * Math.PI), TOLERANCE));
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.EXACT, cases), ev);
    }
}
