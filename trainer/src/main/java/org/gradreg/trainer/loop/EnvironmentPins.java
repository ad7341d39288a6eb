package org.gradreg.trainer.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.gradreg.trainer.BadInput;

/**
 * What a grid spec pins about the process its runs are made in, from the spec's optional
 * {@code "environment"} object: environment variables that choose numerical kernels (e.g.
 * {@code "OPENBLAS_CORETYPE": "Haswell"}) and the thread count ({@code "threads": 1}). FLOAT
 * results depend on both in their last bits — OpenBLAS's kernels round differently, and under
 * some kernels a GEMM rounds differently at one and at two threads (docs/trainer-benchmark.md) —
 * so a spec whose runs must be re-made bit for bit on another machine pins them, and the grid
 * refuses, before anything runs, a process that differs ({@link #check}) instead of making runs
 * that silently differ from the recorded ones.
 *
 * <pre>
 * "environment": { "OPENBLAS_CORETYPE": "Haswell", "threads": 1 }
 * </pre>
 *
 * @param variables pinned environment variables (names with a prefix the runs record: OPENBLAS_,
 *                  OMP_, GOTO, MKL_, ND4J_), value as the process must have it
 * @param threads   the pinned {@code --threads} (0: not pinned)
 */
public record EnvironmentPins(Map<String, String> variables, int threads) {

    /** Nothing pinned (a spec without "environment"). */
    public static final EnvironmentPins NONE = new EnvironmentPins(Map.of(), 0);

    /** The variable prefixes a spec may pin: those a run records (RunEnvironment) and that choose kernels or threads. */
    static final java.util.List<String> PREFIXES = java.util.List.of("OPENBLAS_", "OMP_", "GOTO", "MKL_", "ND4J_");

    /** The pins of a spec's "environment" value (null or missing: {@link #NONE}); a malformed one is a {@link BadInput}. */
    public static EnvironmentPins parse(JsonNode env, String where) {
        if (env == null || env.isMissingNode() || env.isNull()) {
            return NONE;
        }
        if (!env.isObject()) {
            throw new BadInput("grid spec " + where + ": \"environment\" must be an object, e.g. {\"OPENBLAS_CORETYPE\": \"Haswell\", \"threads\": 1}");
        }
        Map<String, String> vars = new TreeMap<>();
        int threads = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("threads")) {
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                    throw new BadInput("grid spec " + where + ": environment.threads must be a whole number >= 1, got " + v);
                }
                threads = v.asInt();
            } else if (PREFIXES.stream().anyMatch(k::startsWith)) {
                if (!v.isTextual() || v.asText().isEmpty()) {
                    throw new BadInput("grid spec " + where + ": environment." + k + " must be a non-empty string, got " + v);
                }
                vars.put(k, v.asText());
            } else {
                throw new BadInput("grid spec " + where + ": environment key '" + k + "' is neither \"threads\" nor a variable starting with "
                        + String.join(", ", PREFIXES));
            }
        }
        return new EnvironmentPins(java.util.Collections.unmodifiableMap(vars), threads); // sorted: the suggested command lists them in name order
    }

    /**
     * The thread count to run with: the pinned one, or {@code requested} ({@code --threads}; 0 = not
     * given) when nothing is pinned. A {@code --threads} that contradicts the pin is a {@link BadInput}.
     */
    public int threads(int requested, String where) {
        if (threads == 0) {
            return requested;
        }
        if (requested != 0 && requested != threads) {
            throw new BadInput("grid spec " + where + " pins threads " + threads + " (its runs' bits depend on it); --threads " + requested
                    + " contradicts it: leave --threads out or give " + threads);
        }
        return threads;
    }

    /**
     * Checks the process's environment ({@code getenv}, e.g. {@code System::getenv}) against the
     * pinned variables: the first difference is a {@link BadInput} naming the variable, both values
     * and the command prefix that runs the spec as pinned.
     */
    public void check(UnaryOperator<String> getenv, String where) {
        for (Map.Entry<String, String> e : variables.entrySet()) {
            String have = getenv.apply(e.getKey());
            if (!e.getValue().equals(have)) {
                StringBuilder prefix = new StringBuilder();
                variables.forEach((k, v) -> prefix.append(k).append('=').append(v).append(' '));
                throw new BadInput("grid spec " + where + " pins " + e.getKey() + "=" + e.getValue() + " (its runs' bits depend on it) but this process has "
                        + (have == null ? "it unset" : e.getKey() + "=" + have)
                        + (e.getKey().equals("OPENBLAS_CORETYPE") && have != null ? " (the gradreg launcher sets SkylakeX on AVX-512 CPUs when unset)" : "")
                        + ": run it as " + prefix + "gradreg grid ...");
            }
        }
    }
}
