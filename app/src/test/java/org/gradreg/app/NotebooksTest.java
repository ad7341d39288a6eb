package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every notebook under notebooks/ runs headless, snippet by snippet, after notebooks/imports.jsh,
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
        try (JShell js = JShell.builder().executionEngine("local").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                js.addToClasspath(entry);
            }
            int snippets = run(js, Files.readString(DIR.resolve("imports.jsh")), "imports.jsh");
            snippets += run(js, Files.readString(DIR.resolve(name)), name);
            assertTrue(snippets > 3, name + " has only " + snippets + " snippets");
        }
    }

    /** Evaluates {@code source} snippet by snippet; fails on the first rejected or throwing snippet. */
    private static int run(JShell js, String source, String file) {
        SourceCodeAnalysis sca = js.sourceCodeAnalysis();
        String rest = source;
        int n = 0;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
            String snippet = ci.source();
            if (snippet == null || ci.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) {
                fail(file + ": incomplete snippet at: " + rest.strip().lines().findFirst().orElse(""));
            }
            rest = ci.remaining();
            if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                continue;
            }
            List<SnippetEvent> events = new ArrayList<>(js.eval(snippet));
            for (SnippetEvent e : events) {
                if (e.status() == Snippet.Status.REJECTED) {
                    List<String> diags = js.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList();
                    fail(file + ": snippet does not compile: " + snippet.strip() + "\n" + diags);
                }
                if (e.exception() != null) {
                    fail(file + ": snippet threw " + e.exception() + ": " + snippet.strip());
                }
            }
            n++;
        }
        assertEquals("", rest.strip());
        return n;
    }
}
