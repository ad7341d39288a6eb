package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Feeds source to JShell the way the jshell tool reads what a user pastes or a script file holds
 * (issue 22 item 15): line by line, evaluating as soon as the lines so far form a complete snippet.
 * So {@code var o = f(x)} followed by a line {@code .g(y)} is two snippets, the second rejected,
 * as in the tool, where analysing the whole text at once would have joined them.
 */
final class JShellPaste implements AutoCloseable {

    final JShell js = JShell.builder().executionEngine("local").build();

    JShellPaste() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            js.addToClasspath(entry);
        }
    }

    /** Pastes {@code source}; fails on a rejected or throwing snippet and on source left incomplete; returns the snippets run. */
    int paste(String source, String where) {
        SourceCodeAnalysis sca = js.sourceCodeAnalysis();
        String pending = "";
        int n = 0;
        for (String line : source.split("\n", -1)) {
            pending = pending.isEmpty() ? line : pending + "\n" + line;
            SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(pending);
            if (!ci.completeness().isComplete() && ci.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
                continue;
            }
            while (!pending.isBlank()) {
                ci = sca.analyzeCompletion(pending);
                if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = ci.remaining();
                    break;
                }
                if (!ci.completeness().isComplete()) {
                    break;
                }
                eval(ci.source(), where);
                n++;
                pending = ci.remaining();
            }
            if (pending.isBlank()) {
                pending = "";
            }
        }
        if (!pending.isBlank()) {
            fail(where + ": incomplete at the end: " + pending.strip());
        }
        return n;
    }

    private void eval(String snippet, String where) {
        List<SnippetEvent> events = new ArrayList<>(js.eval(snippet));
        for (SnippetEvent e : events) {
            if (e.status() == Snippet.Status.REJECTED) {
                List<String> diags = js.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList();
                fail(where + ": snippet does not compile: " + snippet.strip() + "\n" + diags);
            }
            if (e.exception() != null) {
                fail(where + ": snippet threw " + e.exception() + ": " + snippet.strip());
            }
        }
    }

    /** The value of {@code expression} as JShell shows it. */
    String value(String expression) {
        return js.eval(expression).get(0).value();
    }

    @Override
    public void close() {
        js.close();
    }
}
