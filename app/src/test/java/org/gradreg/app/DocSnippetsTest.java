package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 item 15: every {@code ```java} block of README.md and docs/*.md runs in JShell exactly as
 * a user pastes it into {@code ./gradreg jshell} (after notebooks/imports.jsh, line by line:
 * {@link JShellPaste}); and README's "A taste" builds the optimizer it describes, GR with zero-warmup
 * and clipping, not plain Adam.
 */
class DocSnippetsTest {

    static List<String[]> javaBlocks() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> s = Files.list(Path.of("..", "docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String[]> blocks = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().equals("```java")) {
                    StringBuilder b = new StringBuilder();
                    int start = i + 1;
                    while (++i < lines.size() && !lines.get(i).strip().equals("```")) {
                        b.append(lines.get(i)).append('\n');
                    }
                    blocks.add(new String[] {f.getFileName() + ":" + start, b.toString()});
                }
            }
        }
        return blocks;
    }

    @Test
    void everyJavaSnippetRunsAsPastedAndTheTasteBuildsGr() throws Exception {
        List<String[]> blocks = javaBlocks();
        assertTrue(!blocks.isEmpty(), "README's taste is found");
        for (String[] b : blocks) {
            try (JShellPaste js = new JShellPaste()) {
                js.paste(Files.readString(Path.of("..", "notebooks", "imports.jsh")), "imports.jsh");
                js.paste(b[1], b[0]);
                if (b[0].startsWith("README.md") && b[1].contains("var opt")) {
                    String opt = js.value("opt.toString()");
                    assertTrue(opt.contains("gr(") && opt.contains("zero") && opt.contains("clip(5.0)"), b[0] + " built " + opt);
                }
            }
        }
    }
}
