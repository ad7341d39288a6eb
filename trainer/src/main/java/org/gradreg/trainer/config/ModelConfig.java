package org.gradreg.trainer.config;

import java.util.Locale;
import java.util.Set;

/**
 * The model: its spec (registry name and overrides, e.g. {@code vit-nano:layers=2}; checked
 * against the model registry when the run is planned) and the data type it computes in.
 *
 * @param spec  model spec
 * @param dtype float (float32) or double (float64)
 */
public record ModelConfig(String spec, String dtype) {

    private static final Set<String> TYPES = Set.of("float", "float32", "double", "float64");

    public ModelConfig {
        Check.that(spec != null && !spec.isBlank(), "model must be given");
        dtype = dtype == null ? "float" : dtype;
        Check.that(TYPES.contains(dtype.toLowerCase(Locale.ROOT)), "dtype must be float or double, got '" + dtype + "'");
    }
}
