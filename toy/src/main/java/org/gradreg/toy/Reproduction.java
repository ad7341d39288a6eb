package org.gradreg.toy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One toy reproduction: it computes its numbers, writes a PNG figure and the CSV behind it into an
 * output folder, and returns a short summary. {@code quick} selects a smaller size (fewer seeds,
 * steps or grid points) for tests; the full size is what {@code gradreg toy} runs.
 */
public interface Reproduction {

    /** Stable name, e.g. {@code gnr-fig1a}. */
    String name();

    /** One line: what the paper shows and where. */
    String title();

    ToyResult run(Path out, boolean quick, Consumer<String> progress) throws IOException;
}
