package org.gradreg.trainer.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where and how one start (or resume) of a run computed, as {@value RunDir#ENVIRONMENT} keeps it,
 * one entry per start: what decides the float rounding beside the configuration. Seeds fix every
 * random stream, but the last bits of a float step also depend on the BLAS kernel (OpenBLAS picks
 * one per CPU; {@code OPENBLAS_CORETYPE} overrides it: a run of 2026-12-05 repeated with the
 * SkylakeX kernel instead of the Haswell one it ran with differed from its first step's loss on),
 * the thread caps and the native build. A run is reproducible bit for bit with the same entries.
 *
 * @param started   when this start began (UTC, ISO-8601)
 * @param resumed   whether it continued from a checkpoint
 * @param host      the machine's name
 * @param java      the Java runtime's version
 * @param os        operating system and architecture
 * @param cpu       the CPU model (/proc/cpuinfo's first "model name"; "" where unknown)
 * @param device    where the model ran (cpu, cuda:N)
 * @param compute   the numerical library facts of the process (BLAS vendor, thread caps, native build)
 * @param variables the environment variables that choose kernels and threads (OPENBLAS_*, OMP_*, GRADREG_PROFILES, MKL_*), as set
 */
public record RunEnvironment(String started, boolean resumed, String host, String java, String os, String cpu, String device,
                             Map<String, String> compute, Map<String, String> variables) {

    /** The environment variables recorded: these prefixes and names. */
    static final List<String> PREFIXES = List.of("OPENBLAS_", "OMP_", "GOTO", "MKL_", "GRADREG_PROFILES", "ND4J_");

    /** The facts this process can read itself; {@code compute} and {@code device} come from the caller (which knows the backend). */
    public static RunEnvironment current(boolean resumed, String device, Map<String, String> compute) {
        Map<String, String> vars = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (PREFIXES.stream().anyMatch(k::startsWith)) {
                vars.put(k, v);
            }
        });
        return new RunEnvironment(Instant.now().toString(), resumed, RunDir.host(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), cpuModel(), device, new LinkedHashMap<>(compute), vars);
    }

    /**
     * What differs between this recorded start and {@code now} that can change a float run's bits:
     * the device, the CPU model and each recorded kernel- or thread-choosing variable (one sentence
     * each; empty when none differs).
     */
    public List<String> differences(RunEnvironment now) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(device, now.device())) {
            out.add("the run was made on " + device + ", this one runs on " + now.device());
        }
        if (cpu != null && !cpu.isEmpty() && !cpu.equals(now.cpu())) {
            out.add("the run was made on a " + cpu + ", this machine is a " + (now.cpu().isEmpty() ? "CPU of unknown model" : now.cpu())
                    + " (the BLAS kernel may differ)");
        }
        Set<String> keys = new TreeSet<>(now.variables().keySet());
        if (variables != null) {
            keys.addAll(variables.keySet());
        }
        for (String k : keys) {
            String was = variables == null ? null : variables.get(k);
            String is = now.variables().get(k);
            if (!Objects.equals(was, is)) {
                out.add(k + " was " + (was == null ? "unset" : was) + " when the run was made and is " + (is == null ? "unset" : is)
                        + " now (it can choose kernels or threads, and so the rounding)");
            }
        }
        return out;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: unknown
        }
        return "";
    }
}
