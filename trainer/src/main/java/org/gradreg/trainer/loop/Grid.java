package org.gradreg.trainer.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.ConfigJson;
import org.gradreg.trainer.config.LegacyConfig;
import org.gradreg.trainer.config.TrainConfig;

/**
 * An experiment grid: a base configuration and axes whose Cartesian product gives the runs. The
 * spec is JSON; settings are named by their paths ({@link org.gradreg.trainer.config.Settings}):
 * <pre>
 * { "base": { "model": {"spec": "vit-ti"}, "data": {"spec": "cifar10", "dir": "/data/cifar-10-batches-bin"},
 *             "optimizer": {"rule": "adam", "weightDecay": 0.03}, "run": {"epochs": 300, "batch": 256} },
 *   "axes": { "model.spec": ["vit-ti", "vit-s"],
 *             "optimizer.schedule.warmupEpochs": [20, 40, 80],
 *             "method": [ {"estimator": {"name": "plain"}},
 *                         {"estimator": {"name": "gr", "r": 0.1, "alpha": 0.8}},
 *                         {"estimator": {"name": "gr", "r": 0.1, "alpha": 0.8, "warmup": "zero"}} ],
 *             "run.seed": [0, 1, 2, 3, 4] } }
 * </pre>
 * An axis value is a scalar (it sets the setting the axis names, e.g. {@code estimator.alpha}) or
 * an object of settings (the axis name is then only a label); an object merges into the setting it
 * names ({@link ConfigJson#set}). Unknown settings, unknown top-level keys (only base, axes,
 * description and report are known) and an empty spec are errors; {@code report} is
 * {@code gradreg report --spec}'s and checked by the command. Settings not given take
 * {@link TrainConfig#defaults()}, except the LR warmup, which defaults to
 * {@link TrainConfig#defaultWarmup} of the run's epochs. A spec in the flat field names of
 * earlier versions ({@code "lr"}, {@code "estimatorSpec"}, {@code "seed"}, …) is expanded as it
 * was and each run converted ({@link LegacyConfig}), so its runs keep their directories and
 * settings. Runs are numbered in a fixed order (the last axis varies fastest); shard i of n takes
 * the runs whose number is i mod n, so a Slurm job array {@code --array=0-(n-1)} covers every run
 * exactly once.
 */
public final class Grid {

    /** One run of the grid: its number, directory name and configuration. */
    public record Run(int index, String name, TrainConfig config) {
    }

    /** The top-level keys of a spec. */
    public static final Set<String> KEYS = Set.of("base", "axes", "description", "report", "environment");

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
     * The runs of a spec. Unknown keys and settings and a spec without {@code base} or
     * {@code axes} are {@link BadInput}s, as is a run whose settings are out of range; {@link #check}
     * checks every run completely (names, data).
     */
    public static Grid parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new BadInput("grid spec " + where + " must be a JSON object with \"base\" and \"axes\"");
        }
        if (root.has("runsOf")) { // an analysis spec (report's AnalysisSpec): it names the grid spec whose runs it measures
            String of = root.path("runsOf").path("file").asText("its runsOf.file");
            throw new BadInput(where + " is an analysis of the runs of " + of + " and trains nothing: run `gradreg grid " + of + " --out RUNS`, "
                    + "then `gradreg hessian --spec " + where + " RUNS/run.*`, then `gradreg report RUNS --spec " + where + "`");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new BadInput("grid spec " + where + ": unknown key '" + k + "'; known: base, axes, description, report, environment");
            }
        }
        EnvironmentPins.parse(root.get("environment"), where); // checked with the rest; the grid command applies it
        if (!root.has("base") && !root.has("axes")) {
            throw new BadInput("grid spec " + where + " has neither \"base\" nor \"axes\": it would be one run of the defaults");
        }
        JsonNode b = root.path("base");
        if (!b.isMissingNode() && !b.isObject()) {
            throw new BadInput("grid spec " + where + " base must be an object of settings");
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
        boolean legacy = legacy(b, names, values, where);
        List<Run> runs = new ArrayList<>();
        int total = 1;
        for (List<JsonNode> v : values) {
            total = Math.multiplyExact(total, v.size());
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int r = 0; r < total; r++) {
            ObjectNode c = legacy ? Json.mapper().createObjectNode() : ConfigJson.defaultsTree();
            if (!b.isMissingNode()) {
                set(c, b, legacy, where + " base");
            }
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
                ObjectNode one = Json.mapper().createObjectNode();
                if (v.isObject()) {
                    one = (ObjectNode) v;
                    name.append(name.length() == 0 ? "" : "_").append(axis).append('-').append(label(v));
                } else {
                    one.set(axis, v);
                    name.append(name.length() == 0 ? "" : "_").append(axis).append('-').append(v.asText());
                }
                set(c, one, legacy, where + " axis " + axis);
            }
            String run = "grid spec " + where + ", run " + r;
            TrainConfig cfg = legacy ? ConfigJson.build(LegacyConfig.convert(c, run), run) : ConfigJson.of(c, run);
            String dir = sanitize(name.length() == 0 ? "run" : name.toString());
            if (!seen.add(dir)) {
                dir = dir + "_" + r;
                seen.add(dir);
            }
            runs.add(new Run(r, dir, cfg));
        }
        refuseDuplicates(runs, where);
        return new Grid(List.copyOf(runs), where);
    }

    /**
     * Issue 22 item 11: two runs with the same settings (a value written twice, {@code 0.001} and
     * {@code "1e-3"}, {@code 0} and {@code 0.0}) would train the same run twice under two names and
     * count it twice in a report: a {@link BadInput} naming both.
     */
    private static void refuseDuplicates(List<Run> runs, String where) {
        Map<TrainConfig, Run> seen = new java.util.HashMap<>();
        for (Run r : runs) {
            Run first = seen.putIfAbsent(r.config(), r);
            if (first != null) {
                throw new BadInput("grid spec " + where + ": runs " + first.index() + " (" + first.name() + ") and " + r.index() + " ("
                        + r.name() + ") have the same settings (a value given twice, e.g. 0.001 and \"1e-3\"); remove one of them");
            }
        }
    }

    /**
     * Whether the spec is in the flat field names of earlier versions; one that mixes those with
     * setting paths is a {@link BadInput} saying which names to change.
     */
    private static boolean legacy(JsonNode base, List<String> axes, List<List<JsonNode>> values, String where) {
        List<String> used = new ArrayList<>();
        List<String> flatOnly = new ArrayList<>();
        base.fieldNames().forEachRemaining(used::add);
        if (LegacyConfig.isLegacy(base)) {
            flatOnly.add("base");
        }
        for (int a = 0; a < axes.size(); a++) {
            for (JsonNode v : values.get(a)) {
                if (v.isObject()) {
                    v.fieldNames().forEachRemaining(used::add);
                    if (LegacyConfig.isLegacy(v)) {
                        flatOnly.add("axis " + axes.get(a));
                    }
                } else {
                    used.add(axes.get(a));
                    if (LegacyConfig.isField(axes.get(a))) {
                        flatOnly.add("axis " + axes.get(a));
                    }
                }
            }
        }
        List<String> paths = used.stream().filter(u -> u.contains(".")).distinct().toList();
        if (!flatOnly.isEmpty() && !paths.isEmpty()) {
            throw new BadInput("grid spec " + where + " mixes the flat field names of earlier versions (" + String.join(", ",
                    LegacyConfig.oldNames(used.stream().distinct().toList())) + ") with setting paths (" + String.join(", ", paths)
                    + "); write every setting as a path, e.g. \"optimizer.lr\", \"estimator.alpha\", \"run.seed\"");
        }
        return !flatOnly.isEmpty();
    }

    /** Sets {@code values} over {@code target}: as settings by path, or (legacy) as flat fields, each replacing the one before. */
    private static void set(ObjectNode target, JsonNode values, boolean legacy, String where) {
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!legacy) {
                ConfigJson.set(target, e.getKey(), e.getValue(), "grid spec " + where);
            } else if (LegacyConfig.isField(e.getKey())) {
                target.set(e.getKey(), e.getValue());
            } else {
                throw new BadInput("grid spec " + where + ": unknown field '" + e.getKey() + "'; known: " + LegacyConfig.fields());
            }
        }
    }

    /**
     * Checks every run completely ({@link RunPlan#check}) and returns each run's plan, in the order
     * of {@link #runs()}, for the {@link Trainer} to take; the first failure is a {@link BadInput}
     * naming the run, with the number of other failing runs.
     */
    public Map<Run, RunPlan> check() {
        return check(null);
    }

    /**
     * Like {@link #check()}; with {@code missingData} non-null, data files that are not there are
     * passed to it (each message once) rather than failing ({@code grid --list}; such plans carry
     * the shape the data will have and are not for running).
     */
    public Map<Run, RunPlan> check(java.util.function.Consumer<String> missingData) {
        BadInput first = null;
        int failing = 0;
        Set<String> missing = new LinkedHashSet<>();
        Map<Run, RunPlan> plans = new LinkedHashMap<>();
        for (Run r : runs) {
            try {
                plans.put(r, RunPlan.check(r.config(), missingData == null ? null : missing::add));
            } catch (BadInput e) {
                failing++;
                if (first == null) {
                    first = new BadInput("grid spec " + where + ", run " + r.index() + " (" + r.name() + "): " + e.getMessage(), e);
                }
            }
        }
        if (missingData != null) {
            missing.forEach(missingData);
        }
        if (first != null) {
            throw failing == 1 ? first : new BadInput(first.getMessage() + " (and " + (failing - 1) + " more of the " + runs.size()
                    + " runs fail their check)", first);
        }
        return plans;
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

    /** An axis value's part of a run's directory name: its values joined by '-'; an object setting's as name,key=value,…. */
    private static String label(JsonNode v) {
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> parts.add(e.getValue().isObject() ? group(e.getValue()) : e.getValue().asText()));
        return String.join("-", parts);
    }

    private static String group(JsonNode v) {
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> parts.add(Set.of("name", "spec", "rule").contains(e.getKey()) ? e.getValue().asText()
                : e.getKey() + "=" + (e.getValue().isObject() ? group(e.getValue()) : e.getValue().asText())));
        return String.join(",", parts);
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._=,+-]", "_");
    }
}
