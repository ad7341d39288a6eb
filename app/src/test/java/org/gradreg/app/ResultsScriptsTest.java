package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two scripts that regenerate docs/results (examples/fmnist-all.sh, the miniature pages;
 * examples/fmnist-trained.sh, the trained-scale ones): between them they write every page that
 * {@code gradreg report} made (a page with a report.md), from spec files that exist. The trained
 * script is run with DRY_RUN=1 (it prints its commands), the other read for its report loop.
 */
class ResultsScriptsTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void everyReportedPageHasARegeneratingScriptFromExistingSpecs() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "examples/fmnist-trained.sh").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DRY_RUN", "1");
        Process p = pb.start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertEquals(0, p.waitFor(), "DRY_RUN=1 examples/fmnist-trained.sh: " + out);
        Set<String> pages = new TreeSet<>();
        Matcher spec = Pattern.compile("examples/(fmnist-[a-z0-9-]+)\\.json").matcher(out);
        List<String> specs = new ArrayList<>();
        while (spec.find()) {
            specs.add(spec.group(1));
        }
        assertTrue(specs.size() > 10, "the trained script names its specs: " + out);
        for (String s : specs) {
            assertTrue(Files.isRegularFile(ROOT.resolve("examples/" + s + ".json")), "examples/" + s + ".json exists");
        }
        Matcher page = Pattern.compile("--out docs/results/(fmnist-[a-z0-9-]+)").matcher(out);
        while (page.find()) {
            pages.add(page.group(1));
        }
        String all = Files.readString(ROOT.resolve("examples/fmnist-all.sh"));
        Matcher loop = Pattern.compile("for name in ([a-z0-9 -]+); do\\s*\\n\\s*\\./gradreg report").matcher(all);
        assertTrue(loop.find(), "fmnist-all.sh's report loop");
        for (String n : loop.group(1).trim().split("\\s+")) {
            pages.add("fmnist-" + n);
        }
        Set<String> reported = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("docs/results"))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("report.md"))).forEach(d -> reported.add(d.getFileName().toString()));
        }
        assertEquals(reported, pages, "pages made by gradreg report against pages the two scripts regenerate");
    }
}
