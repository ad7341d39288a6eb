package org.gradreg.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The trainer's packages depend one way: config ← run ← loop, and report reads run (never loop);
 * loop uses the engines (model ← nn ← compute, with data); the device check sits beside loop, the
 * command line above everything; the root package (BadInput, Json) is below them all. Checked on
 * the sources of every package: every {@code org.gradreg.trainer.X} a file names (import,
 * qualified name or documentation link).
 */
class PackageDependenciesTest {

    static final Path MAIN = Path.of("src", "main", "java", "org", "gradreg", "trainer");

    /** What each package may name besides itself and the root package; every package is listed. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("run", Set.of("config")),
            Map.entry("data", Set.of()),
            Map.entry("compute", Set.of()),
            Map.entry("nn", Set.of("compute", "data")),
            Map.entry("model", Set.of("compute", "nn")),
            Map.entry("loop", Set.of("config", "run", "data", "model", "nn", "compute")),
            Map.entry("check", Set.of("loop", "data", "model", "nn", "compute")),
            Map.entry("report", Set.of("config", "run")),
            Map.entry("cli", Set.of("config", "run", "data", "model", "nn", "compute", "loop", "check", "report")));

    /** A new package must be placed in {@link #ALLOWED}, or its dependencies would go unchecked. */
    @Test
    void everyPackageIsChecked() throws Exception {
        try (Stream<Path> s = Files.list(MAIN)) {
            assertEquals(new java.util.TreeSet<>(ALLOWED.keySet()),
                    s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
    }

    @Test
    void dependenciesGoOneWay() throws Exception {
        Pattern named = Pattern.compile("org\\.gradreg\\.trainer\\.([a-z]+)\\b");
        List<String> wrong = new ArrayList<>();
        int files = 0;
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            try (Stream<Path> s = Files.list(MAIN.resolve(e.getKey()))) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    Matcher m = named.matcher(Files.readString(f));
                    while (m.find()) {
                        String used = m.group(1);
                        if (!used.equals(e.getKey()) && !e.getValue().contains(used)) {
                            wrong.add(f.getFileName() + " (" + e.getKey() + ") names org.gradreg.trainer." + used);
                        }
                    }
                }
            }
        }
        assertTrue(files > 30, "read " + files + " files under " + MAIN.toAbsolutePath());
        assertEquals(List.of(), wrong);
    }

    @Test
    void theRootPackageHoldsOnlyWhatEveryPackageShares() throws Exception {
        try (Stream<Path> s = Files.list(MAIN)) {
            assertEquals(List.of("BadInput.java", "Json.java"), s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
