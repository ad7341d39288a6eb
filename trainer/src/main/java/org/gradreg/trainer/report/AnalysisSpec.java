package org.gradreg.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.run.HessianSettings;
import org.gradreg.trainer.run.SpecRecord;

/**
 * A registered analysis of finished runs: a spec file that trains nothing but names the grid spec
 * whose runs it measures (by file and SHA-256), how it measures them and, in its {@code report}
 * section, the claims it tests. It is committed before the measurement, as a grid spec is before
 * its runs, so the runs' test errors may be known when it is written but not what it measures:
 * <pre>
 * { "description": "…",
 *   "runsOf": { "file": "examples/fmnist-cnn-sgd-sam-gr.json", "sha256": "2d11f1…" },
 *   "measure": { "hessian": { "batch": 256, "top": 1, "traceSamples": 20, "maxIterations": 100,
 *                             "tolerance": 0.001, "seed": 0, "fullGradient": true } },
 *   "report": { "claims": [ … "metric": "hessian_top" … ] } }
 * </pre>
 * A report of it takes the runs made from that grid spec (their {@link SpecRecord} hash) and only
 * Hessian values measured with exactly these settings.
 *
 * @param runsOf  the grid spec the runs were made from (its file as named, its hash; commit unknown here)
 * @param hessian the registered {@code gradreg hessian} settings
 */
public record AnalysisSpec(SpecRecord runsOf, HessianSettings hessian) {

    /** The keys of an analysis spec. */
    public static final Set<String> KEYS = Set.of("description", "runsOf", "measure", "report");

    /** Whether a spec's root is an analysis spec (it has {@code runsOf}) rather than a grid spec. */
    public static boolean is(JsonNode root) {
        return root != null && root.isObject() && root.has("runsOf");
    }

    public static AnalysisSpec parse(JsonNode root, String where) {
        if (!is(root)) {
            throw new BadInput("analysis spec " + where + " must be a JSON object with \"runsOf\"");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new BadInput("analysis spec " + where + ": unknown key '" + k + "'; known: description, runsOf, measure, report (it "
                        + "trains nothing: base and axes belong to the grid spec it names)");
            }
        }
        JsonNode r = root.get("runsOf");
        String file = r.path("file").asText("");
        String sha = r.path("sha256").asText("");
        if (file.isBlank() || !sha.matches("[0-9a-f]{64}")) {
            throw new BadInput("analysis spec " + where + ": runsOf must give the grid spec's \"file\" and its \"sha256\" (64 lower-case hex "
                    + "digits, e.g. from sha256sum)");
        }
        JsonNode m = root.path("measure");
        if (!m.isObject() || !m.has("hessian") || m.size() != 1) {
            throw new BadInput("analysis spec " + where + ": measure must be an object with exactly one key, \"hessian\" (the only "
                    + "registered measurement so far)");
        }
        if (!root.hasNonNull("report")) {
            throw new BadInput("analysis spec " + where + " has no \"report\" section: an analysis without claims tests nothing");
        }
        return new AnalysisSpec(new SpecRecord(file, sha, SpecRecord.UNCOMMITTED), HessianSettings.parse(m.get("hessian"), "analysis spec " + where));
    }
}
