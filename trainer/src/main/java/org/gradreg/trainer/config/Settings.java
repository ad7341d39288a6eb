package org.gradreg.trainer.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gradreg.optim.Registries;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;

/**
 * The settings of a {@link TrainConfig} as paths: {@code model.spec}, {@code optimizer.lr},
 * {@code optimizer.schedule.warmupEpochs}, {@code estimator.name}, {@code estimator.alpha}, … —
 * what grid axes set, report selectors and {@code x} name, and a changed setting on resume is
 * reported by. Each setting also has a short name ({@link #shortName}), the one a report's rows and
 * figures show; for the settings earlier versions had it is their flat field name (so
 * {@link LegacyConfig} converts by it, and reports of old and new runs read the same).
 */
public final class Settings {

    private Settings() {
    }

    /** Path → short name where the short name is not the path's last part (the flat field names of earlier versions). */
    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry("model.spec", "model"), Map.entry("data.spec", "dataset"), Map.entry("data.dir", "dataDir"),
            Map.entry("data.seed", "dataSeed"), Map.entry("optimizer.rule", "optimizer"), Map.entry("optimizer.schedule.name", "lrSchedule"),
            Map.entry("estimator.name", "estimator"));

    /** The record settings in order (the estimator's keys aside, which depend on its name). */
    private static final List<String> PATHS = Collections.unmodifiableList(paths("", TrainConfig.class));

    private static List<String> paths(String prefix, Class<?> type) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String p = prefix + c.getName();
            if (c.getType() == EstimatorConfig.class) {
                out.add(p + ".name");
            } else if (c.getType().isRecord()) {
                out.addAll(paths(p + ".", c.getType()));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Every setting path but the estimator's keys, in order. */
    public static List<String> paths() {
        return PATHS;
    }

    /** Whether {@code path} names a setting: a record setting, or {@code estimator.KEY} for a key some estimator has. */
    public static boolean known(String path) {
        if (PATHS.contains(path)) {
            return true;
        }
        return path.startsWith("estimator.") && estimatorKeys().contains(path.substring("estimator.".length()));
    }

    /** Every setting path a selector may name, for messages. */
    public static String knownText() {
        return String.join(", ", PATHS) + ", estimator.KEY (" + String.join(", ", estimatorKeys()) + ")";
    }

    private static Set<String> estimatorKeys() {
        Set<String> keys = new TreeSet<>();
        for (Entry<EstimatorFactory> e : Registries.ESTIMATORS.entries()) {
            e.keys().forEach(k -> keys.add(k.name()));
        }
        return keys;
    }

    /** Whether {@code path} is one of the estimator's settings (its name or a key). */
    public static boolean ofEstimator(String path) {
        return path.startsWith("estimator.");
    }

    /** The name a report shows for a setting: {@code weightDecay} for {@code optimizer.weightDecay}, {@code alpha} for {@code estimator.alpha}. */
    public static String shortName(String path) {
        String s = SHORT.get(path);
        return s != null ? s : path.substring(path.lastIndexOf('.') + 1);
    }

    /** The path of a short name, or null (for {@link LegacyConfig}: the flat field names of earlier versions). */
    static String pathOfShortName(String name) {
        for (String p : PATHS) {
            if (shortName(p).equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Every setting of {@code cfg} by path, in order, values as Java objects (String, Double,
     * Integer, Long, Boolean, null). The estimator's keys include its registry defaults, so that
     * {@code gr:r=0.1,alpha=0.8} and {@code gr:r=0.1,alpha=0.8,form=paper} are the same settings.
     */
    public static Map<String, Object> of(TrainConfig cfg) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, "", cfg);
        return out;
    }

    private static void put(Map<String, Object> out, String prefix, Record r) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String p = prefix + c.getName();
            if (v instanceof EstimatorConfig e) {
                out.put(p + ".name", e.name());
                effectiveKeys(e).forEach((k, x) -> out.put(p + "." + k, x));
            } else if (v instanceof Record nested) {
                put(out, p + ".", nested);
            } else {
                out.put(p, v);
            }
        }
    }

    private static Map<String, Object> effectiveKeys(EstimatorConfig e) {
        Entry<EstimatorFactory> entry = Registries.ESTIMATORS.entry(e.name());
        Map<String, String> raw = new LinkedHashMap<>();
        e.keys().forEach((k, v) -> raw.put(k, String.valueOf(v)));
        Args args = entry.args(raw);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Key k : entry.keys()) {
            Object v = args.values().get(k.name());
            if (v != null) {
                out.put(k.name(), v);
            }
        }
        return out;
    }

    /** The keys of {@code a}, then those of {@code b} it lacks. */
    static Set<String> union(Map<String, Object> a, Map<String, Object> b) {
        Set<String> s = new LinkedHashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }
}
