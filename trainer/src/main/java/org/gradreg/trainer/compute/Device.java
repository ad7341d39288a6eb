package org.gradreg.trainer.compute;

import java.util.Locale;

/**
 * Where a model's arithmetic runs: {@code cpu} (ND4J's arrays and OpenBLAS, the default) or
 * {@code cuda[:N]} (NVIDIA GPU N, default 0, through the {@code gradreg-cuda} backend). The
 * optimizer always runs on the host; see {@link Backend}.
 *
 * @param kind  {@code cpu} or {@code cuda}
 * @param index the GPU's ordinal (0 for the CPU)
 */
public record Device(String kind, int index) {

    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (!kind.equals("cpu") && !kind.equals("cuda")) {
            throw new IllegalArgumentException("device must be cpu or cuda[:N], got '" + kind + "'");
        }
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}; a bad spec is one line naming it. */
    public static Device parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return CPU;
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return new Device("cuda", 0);
        }
        if (s.startsWith("cuda:")) {
            try {
                int i = Integer.parseInt(s.substring(5));
                if (i >= 0) {
                    return new Device("cuda", i);
                }
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N (N >= 0), got '" + spec + "'");
    }

    public boolean isCpu() {
        return kind.equals("cpu");
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : kind + ":" + index;
    }
}
