package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every notebook under notebooks/ runs headless, line by line ({@link JShellPaste}), after notebooks/imports.jsh,
 * as `./gradreg jshell notebooks/X.jsh` would run it: a snippet that does not compile or throws
 * fails the test, so the notebooks cannot rot. (Their run times, 1-5 s each, are in docs/benchmarks.md,
 * not asserted here: this machine is shared and noisy.)
 */
class NotebooksTest {

    static final Path DIR = Path.of("..", "notebooks");

    static Stream<String> notebooks() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsh") && !n.equals("imports.jsh")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("notebooks")
    void runsHeadlessWithoutErrors(String name) throws Exception {
        try (JShellPaste js = new JShellPaste()) { // line by line, as the jshell tool reads a script (issue 22 item 15)
            int snippets = js.paste(Files.readString(DIR.resolve("imports.jsh")), "imports.jsh");
            snippets += js.paste(Files.readString(DIR.resolve(name)), name);
            assertTrue(snippets > 3, name + " has only " + snippets + " snippets");
        }
    }
}
