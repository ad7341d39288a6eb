package org.gradreg.trainer.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.report.ReportSpec;

/**
 * An experiment grid: a base {@link TrainConfig} and axes whose Cartesian product gives the runs.
 * The spec is JSON:
 * <pre>
 * { "base": { "model": "vit-ti", "dataset": "cifar10", "dataDir": "/data/cifar-10-batches-bin", "epochs": 300, ... },
 *   "axes": { "model": ["vit-ti", "vit-s"],
 *             "warmupEpochs": [20, 40, 80],
 *             "method": [ {"estimator": "plain"},
 *                         {"estimator": "gr", "estimatorSpec": "r=0.1,alpha=0.8"},
 *                         {"estimator": "gr", "estimatorSpec": "r=0.1,alpha=0.8", "grWarmup": "zero"} ],
 *             "seed": [0, 1, 2, 3, 4] } }
 * </pre>
 * An axis value is a scalar (it sets the field named by the axis) or an object (it sets several
 * fields; the axis name is then only a label). Field names are {@link TrainConfig}'s; unknown ones,
 * unknown top-level keys (only base, axes, description and report are known) and an empty spec
 * are errors. {@code report} says what {@code gradreg report --spec} compares ({@link ReportSpec}).
 * Fields not given take {@link TrainConfig#defaults()}, except the LR warmup, which defaults to
 * {@link RunSpec#defaultWarmup} of the run's epochs. Runs are numbered in a fixed order (the last axis varies fastest); shard i of n
 * takes the runs whose number is i mod n, so a Slurm job array {@code --array=0-(n-1)} covers every
 * run exactly once.
 */
public final class Grid {

    /** One run of the grid: its number, directory name and configuration. */
    public record Run(int index, String name, TrainConfig config) {
    }

    /** The top-level keys of a spec. */
    public static final Set<String> KEYS = Set.of("base", "axes", "description", "report");

    private final List<Run> runs;
    private final String where;

    private Grid(List<Run> runs, String where) {
        this.runs = runs;
        this.where = where;
    }

    public static Grid read(Path spec) {
        return parse(readTree(spec), spec.toString());
    }

    /** The JSON of a grid spec file; a missing or unparsable file is a {@link BadInput} naming it. */
    public static JsonNode readTree(Path spec) {
        try {
            return Json.mapper().readTree(spec.toFile());
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BadInput("grid spec " + spec + " not found");
        } catch (IOException e) {
            throw new BadInput("grid spec " + spec + " is not valid JSON: " + BadInput.messageOf(e), e);
        }
    }

    /**
     * The runs of a spec. Unknown keys (top level, base, axis objects) and a spec without
     * {@code base} or {@code axes} are {@link BadInput}s, as is a run whose settings are out of range;
     * {@link #check} checks every run completely (names, data).
     */
    public static Grid parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new BadInput("grid spec " + where + " must be a JSON object with \"base\" and \"axes\"");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new BadInput("grid spec " + where + ": unknown key '" + k + "'; known: base, axes, description, report");
            }
        }
        ReportSpec.parse(root.get("report"), "grid spec " + where); // what `gradreg report --spec` will compare, checked now
        if (!root.has("base") && !root.has("axes")) {
            throw new BadInput("grid spec " + where + " has neither \"base\" nor \"axes\": it would be one run of the defaults");
        }
        ObjectNode base = Json.mapper().createObjectNode();
        JsonNode b = root.path("base");
        if (!b.isMissingNode()) {
            overlay(base, b, where + " base");
        }
        JsonNode axes = root.path("axes");
        if (!axes.isMissingNode() && !axes.isObject()) {
            throw new BadInput("grid spec " + where + ": \"axes\" must be an object of axis name → array of values");
        }
        List<String> names = new ArrayList<>();
        List<List<JsonNode>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = axes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new BadInput("grid spec " + where + ": axis '" + e.getKey() + "' must be a non-empty array");
            }
            names.add(e.getKey());
            List<JsonNode> v = new ArrayList<>();
            e.getValue().forEach(v::add);
            values.add(v);
        }
        List<Run> runs = new ArrayList<>();
        int total = 1;
        for (List<JsonNode> v : values) {
            total = Math.multiplyExact(total, v.size());
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int r = 0; r < total; r++) {
            ObjectNode c = base.deepCopy();
            StringBuilder name = new StringBuilder();
            int rest = r;
            int[] pick = new int[values.size()];
            for (int a = values.size() - 1; a >= 0; a--) {
                pick[a] = rest % values.get(a).size();
                rest /= values.get(a).size();
            }
            for (int a = 0; a < values.size(); a++) {
                JsonNode v = values.get(a).get(pick[a]);
                String axis = names.get(a);
                if (v.isObject()) {
                    overlay(c, v, where + " axis " + axis);
                    name.append(name.length() == 0 ? "" : "_").append(axis).append('-').append(label(v));
                } else {
                    ObjectNode one = Json.mapper().createObjectNode();
                    one.set(axis, v);
                    overlay(c, one, where + " axis " + axis);
                    name.append(name.length() == 0 ? "" : "_").append(axis).append('-').append(v.asText());
                }
            }
            TrainConfig cfg = RunSpec.config(c, "grid spec " + where + ", run " + r);
            String dir = sanitize(name.length() == 0 ? "run" : name.toString());
            if (!seen.add(dir)) {
                dir = dir + "_" + r;
                seen.add(dir);
            }
            runs.add(new Run(r, dir, cfg));
        }
        return new Grid(List.copyOf(runs), where);
    }

    /**
     * Checks every run completely ({@link RunSpec#check}); the first failure is a {@link BadInput}
     * naming the run, with the number of other failing runs.
     */
    public void check() {
        BadInput first = null;
        int failing = 0;
        for (Run r : runs) {
            try {
                RunSpec.check(r.config());
            } catch (BadInput e) {
                failing++;
                if (first == null) {
                    first = new BadInput("grid spec " + where + ", run " + r.index() + " (" + r.name() + "): " + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw failing == 1 ? first : new BadInput(first.getMessage() + " (and " + (failing - 1) + " more of the " + runs.size()
                    + " runs fail their check)", first);
        }
    }

    public List<Run> runs() {
        return runs;
    }

    /** Shard {@code i} of {@code n} (0 ≤ i < n): the runs whose number is i mod n. */
    public List<Run> shard(int i, int n) {
        if (n < 1 || i < 0 || i >= n) {
            throw new IllegalArgumentException("shard must be i/n with 0 <= i < n, got " + i + "/" + n);
        }
        return runs.stream().filter(r -> r.index() % n == i).toList();
    }

    private static void overlay(ObjectNode target, JsonNode values, String where) {
        if (!values.isObject()) {
            throw new BadInput("grid spec " + where + " must be an object of TrainConfig fields");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!FIELDS.contains(e.getKey())) {
                throw new BadInput("grid spec " + where + ": unknown field '" + e.getKey() + "'; known: " + FIELDS);
            }
            target.set(e.getKey(), e.getValue());
        }
    }

    private static String label(JsonNode v) {
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> parts.add(e.getValue().asText()));
        return String.join("-", parts);
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._=,+-]", "_");
    }

    private static final Set<String> FIELDS = TrainConfig.fields();
}
