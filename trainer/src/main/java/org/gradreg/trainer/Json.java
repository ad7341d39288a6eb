package org.gradreg.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The trainer's one JSON mapper (Jackson), shared by every package that reads or writes JSON:
 * configurations, grid specs, run files, reports. Files are written pretty-printed
 * ({@link #pretty}); metrics lines compactly.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as indented JSON text, the form of every JSON file the trainer writes. */
    public static String pretty(Object value) throws JsonProcessingException {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }
}
