package org.gradreg.theory.claims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.gradreg.optim.VectorFunction;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;

/**
 * GNR paper §2.3: "when the number of local minimum in B(θ*, ρ) becomes larger, θ* is expected to
 * become sharper ... SAM only measures the maximal gap of the loss function in B(θ*, ρ) and fails to
 * distinguish the cases when the number of local minimums varies. By contrast, the maximal gradient
 * norm in B(θ*, ρ) increases when the number of local minimum is larger." Its measurable form: among
 * functions SAM rates equally sharp (the same R^SAM_ρ(θ*)), R^GNR_ρ(θ*) is larger for the one with
 * more local minima in the ball. Checked on seeded random one-dimensional trigonometric losses
 * normalised to R^SAM_1(0) = 1, the setting of the paper's own example (Figure 1a, ρ = 1).
 */
public final class GnrMoreMinima extends BaseClaim {

    static final int FUNCTIONS = 240;
    static final int MAX_FREQUENCY = 6;
    /** The 1-D maximum (dense grid refined by golden section) is exact to ~1e-10. */
    static final double RESOLUTION = 1e-9;

    public GnrMoreMinima() {
        super("gnr.more-minima-larger-gnr", Papers.GNR, "§2.3 (Figure 1), measurable form",
                "\"The maximal gradient norm in B(θ*, ρ) increases when the number of local minimum is larger\": among minima that SAM "
                        + "rates equally sharp (equal R^SAM_ρ(θ*)), the one with more local minima in B(θ*, ρ) has the larger R^GNR_ρ(θ*).",
                "240 seeded losses L(θ) = Σ_{j=1}^{K} aⱼ(1 − cos(jπθ + φⱼθ²)) with K uniform in 1-6, aⱼ ≥ 0 random (θ* = 0 a strict "
                        + "minimum), scaled so that R^SAM_1(0) = 1; local minima counted in (−1, 1) on a 20 001-point grid; R^SAM and R^GNR by "
                        + "optim's Sharpness (1-D grid with golden-section refinement), ρ = 1 as in the paper's example. A strict statement over "
                        + "every pair with different numbers of minima; one case per pair of minimum counts (k < k'): margin the smallest "
                        + "R^GNR among functions with k' minima minus the largest among those with k, relative, resolution 1e-9. Reported: "
                        + "the fraction of discordant pairs and the mean R^GNR per count.");
    }

    /** A seeded loss with a strict minimum at 0 (value and derivative in closed form). */
    static VectorFunction loss(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = 1 + r.nextInt(MAX_FREQUENCY);
        double[] a = new double[k];
        double[] phi = new double[k];
        for (int j = 0; j < k; j++) {
            a[j] = r.nextDouble() < 0.3 ? 0 : Math.pow(r.nextDouble(), 2);
            phi[j] = r.nextDouble(-1, 1);
        }
        a[r.nextInt(k)] += 0.05;
        return VectorFunction.of(t -> {
            double v = 0;
            for (int j = 0; j < a.length; j++) {
                v += a[j] * (1 - Math.cos((j + 1) * Math.PI * t[0] + phi[j] * t[0] * t[0]));
            }
            return v;
        }, t -> {
            double g = 0;
            for (int j = 0; j < a.length; j++) {
                double arg = (j + 1) * Math.PI * t[0] + phi[j] * t[0] * t[0];
                g += a[j] * Math.sin(arg) * ((j + 1) * Math.PI + 2 * phi[j] * t[0]);
            }
            return new double[] {g};
        });
    }

    /** Local minima of f in (−1, 1): sign changes of f' from − to + on a grid. */
    static int minima(VectorFunction f) {
        int n = 20_001;
        int count = 0;
        double prev = f.gradient(new double[] {-1})[0];
        for (int i = 1; i < n; i++) {
            double x = -1 + 2.0 * i / (n - 1);
            double g = f.gradient(new double[] {x})[0];
            if (prev < 0 && g >= 0 && x < 1) {
                count++;
            }
            prev = g;
        }
        return count;
    }

    @Override
    public Outcome check() {
        TreeMap<Integer, List<double[]>> byCount = new TreeMap<>();
        for (long s = 0; s < FUNCTIONS; s++) {
            VectorFunction f = loss(s);
            double[] zero = {0};
            double sam = Sharpness.sam(f, zero, 1);
            double gnr = Sharpness.gnr(f, zero, 1) / sam; // R^GNR after scaling L by 1/R^SAM
            byCount.computeIfAbsent(minima(f), k -> new ArrayList<>()).add(new double[] {gnr, s});
        }
        List<Case> cases = VerdictRule.cases();
        long pairs = 0;
        long discordant = 0;
        List<Integer> counts = new ArrayList<>(byCount.keySet());
        for (int i = 0; i < counts.size(); i++) {
            for (int j = i + 1; j < counts.size(); j++) {
                double[] lowMax = {Double.NEGATIVE_INFINITY, -1};
                double[] highMin = {Double.POSITIVE_INFINITY, -1};
                for (double[] a : byCount.get(counts.get(i))) {
                    if (a[0] > lowMax[0]) {
                        lowMax = a;
                    }
                    for (double[] b : byCount.get(counts.get(j))) {
                        pairs++;
                        discordant += b[0] < a[0] ? 1 : 0;
                    }
                }
                for (double[] b : byCount.get(counts.get(j))) {
                    if (b[0] < highMin[0]) {
                        highMin = b;
                    }
                }
                cases.add(Case.of(String.format(Locale.ROOT, "%d vs %d minima: smallest R^GNR with %d (seed %d) %.4f, largest with %d (seed %d) %.4f",
                        counts.get(i), counts.get(j), counts.get(j), (long) highMin[1], highMin[0], counts.get(i), (long) lowMax[1], lowMax[0]),
                        (highMin[0] - lowMax[0]) / lowMax[0], RESOLUTION));
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("pairs with different numbers of minima, discordant (more minima, smaller R^GNR)", discordant + " of " + pairs
                + String.format(Locale.ROOT, " (%.1f%%)", 100.0 * discordant / pairs));
        byCount.forEach((k, v) -> {
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (double[] x : v) {
                mean += x[0] / v.size();
                min = Math.min(min, x[0]);
                max = Math.max(max, x[0]);
            }
            ev.put(k + " minima in (−1, 1)", String.format(Locale.ROOT, "%d functions, R^GNR at R^SAM = 1: mean %.3f, range %.3f-%.3f", v.size(),
                    mean, min, max));
        });
        return VerdictRule.outcome(VerdictRule.judge(VerdictRule.Kind.STRICT, cases), ev);
    }
}
