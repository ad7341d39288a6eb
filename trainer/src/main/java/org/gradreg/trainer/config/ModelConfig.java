package org.gradreg.trainer.config;

import java.util.Locale;
import java.util.Set;

/**
 * The model: its spec (registry name and overrides, e.g. {@code vit-nano:layers=2}; checked
 * against the model registry when the run is planned) and the data type it computes in.
 *
 * @param spec  model spec
 * @param dtype float (float32) or double (float64)
 * @param conv  how the CPU computes FLOAT 3×3 stride-1 convolutions: {@code im2col} (columns and one
 *              GEMM; what null means, so a config.json or grid spec without the key, and every run
 *              recorded before 2026-12-08, has it) or {@code winograd} (F(2×2, 3×3): 2.25× fewer
 *              multiplies, other roundings; {@code train}'s default for a new FLOAT run; see
 *              docs/trainer-benchmark.md)
 */
public record ModelConfig(String spec, String dtype, String conv) {

    private static final Set<String> TYPES = Set.of("float", "float32", "double", "float64");
    private static final Set<String> CONVS = Set.of("im2col", "winograd");

    public ModelConfig {
        Check.that(spec != null && !spec.isBlank(), "model must be given");
        dtype = dtype == null ? "float" : dtype;
        Check.that(TYPES.contains(dtype.toLowerCase(Locale.ROOT)), "dtype must be float or double, got '" + dtype + "'");
        conv = conv == null ? "im2col" : conv;
        Check.that(CONVS.contains(conv), "conv must be im2col or winograd, got '" + conv + "'");
    }

    /** im2col convolutions (what a configuration without the key means). */
    public ModelConfig(String spec, String dtype) {
        this(spec, dtype, null);
    }
}
