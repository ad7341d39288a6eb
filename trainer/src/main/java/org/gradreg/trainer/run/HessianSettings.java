package org.gradreg.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;
import org.gradreg.trainer.BadInput;

/**
 * How {@code gradreg hessian} measured (or is to measure) a run: what hessian.json records beside
 * its values, and what an analysis spec registers before measuring ({@code "measure": {"hessian":
 * {…}}}), so that a report can refuse values measured otherwise.
 *
 * @param batch         images in the fixed training batch (the run's training set if smaller)
 * @param top           top eigenvalues by power iteration with deflation
 * @param traceSamples  Rademacher vectors of the Hutchinson trace
 * @param maxIterations power-iteration cap per eigenvalue
 * @param tolerance     power-iteration stopping rule, relative change
 * @param seed          seed of the random start and Rademacher vectors
 * @param fullGradient  whether the full training-set gradient norm is measured too
 * @param activationPattern {@link #FROZEN}: the Hessian-vector products hold the base point's ReLU
 *                      and max-pool pattern fixed (the Hessian autograd gives, exact up to O(h²));
 *                      {@link #LIVE}: the pattern is recomputed at each finite-difference point, which
 *                      is no Hessian measurement on a ReLU or max-pool network (O(1/h) errors where a
 *                      kink lies between the points). A file or spec that does not name it was
 *                      measured or registered before the choice existed: {@link #LIVE}.
 */
public record HessianSettings(int batch, int top, int traceSamples, int maxIterations, double tolerance, long seed, boolean fullGradient,
                              String activationPattern) {

    /** The base point's activation pattern held fixed (the default of new measurements). */
    public static final String FROZEN = "frozen";
    /** The activation pattern recomputed at every finite-difference point (what measurements before 2026-12-06 did). */
    public static final String LIVE = "live";

    private static final Set<String> KEYS = Set.of("batch", "top", "traceSamples", "maxIterations", "tolerance", "seed", "fullGradient",
            "activationPattern");
    /** Keys a spec may leave out: a spec registered before the key existed means {@link #LIVE}. */
    private static final Set<String> OPTIONAL = Set.of("activationPattern");

    public HessianSettings {
        activationPattern = activationPattern == null ? LIVE : activationPattern;
        if (!activationPattern.equals(FROZEN) && !activationPattern.equals(LIVE)) {
            throw new BadInput("Hessian settings: activationPattern must be '" + FROZEN + "' or '" + LIVE + "', got '" + activationPattern + "'");
        }
        if (batch < 1 || top < 1 || traceSamples < 1 || maxIterations < 1 || !(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new BadInput(String.format(Locale.ROOT, "Hessian settings need batch, top, traceSamples and maxIterations >= 1 and a "
                    + "tolerance > 0; got batch %d, top %d, traceSamples %d, maxIterations %d, tolerance %s", batch, top, traceSamples,
                    maxIterations, tolerance));
        }
    }

    /** The settings of an analysis spec's {@code measure.hessian} object: every key given, no other. */
    public static HessianSettings parse(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new BadInput(where + ": measure.hessian must be an object with " + String.join(", ", KEYS.stream().sorted().toList()));
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new BadInput(where + ": measure.hessian has unknown key '" + k + "'; known: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        for (String k : KEYS) {
            if (!n.hasNonNull(k) && !OPTIONAL.contains(k)) {
                throw new BadInput(where + ": measure.hessian must give '" + k + "' (a registered measurement leaves nothing to defaults)");
            }
        }
        if (!n.get("fullGradient").isBoolean()) {
            throw new BadInput(where + ": measure.hessian.fullGradient must be true or false");
        }
        for (String k : new String[] {"batch", "top", "traceSamples", "maxIterations", "seed"}) {
            if (!n.get(k).canConvertToLong() || !n.get(k).isIntegralNumber()) {
                throw new BadInput(where + ": measure.hessian." + k + " must be an integer, got " + n.get(k));
            }
        }
        if (n.has("activationPattern") && !n.get("activationPattern").isTextual()) {
            throw new BadInput(where + ": measure.hessian.activationPattern must be \"" + FROZEN + "\" or \"" + LIVE + "\", got " + n.get("activationPattern"));
        }
        if (!n.get("tolerance").isNumber()) {
            throw new BadInput(where + ": measure.hessian.tolerance must be a number, got " + n.get("tolerance"));
        }
        try {
            return new HessianSettings(n.get("batch").asInt(), n.get("top").asInt(), n.get("traceSamples").asInt(), n.get("maxIterations").asInt(),
                    n.get("tolerance").asDouble(), n.get("seed").asLong(), n.get("fullGradient").asBoolean(),
                    n.has("activationPattern") ? n.get("activationPattern").asText() : LIVE);
        } catch (BadInput e) {
            throw new BadInput(where + ": measure.hessian: " + e.getMessage());
        }
    }

    /** The options of {@code gradreg hessian} that measure with these settings. */
    public String options() {
        return String.format(Locale.ROOT, "--batch %d --top %d --trace-samples %d --max-iterations %d --tolerance %s --seed %d%s%s", batch,
                top, traceSamples, maxIterations, tolerance, seed, fullGradient ? "" : " --no-full-gradient",
                activationPattern.equals(FROZEN) ? "" : " --activation-pattern " + activationPattern);
    }
}
