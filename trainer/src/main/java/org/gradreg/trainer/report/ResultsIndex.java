package org.gradreg.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.gradreg.optim.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;

/**
 * The empirical counterpart of the claims ledger: one table of every claim tested by the reports
 * under a folder (each subfolder's {@code claims.json}, as {@code gradreg report --spec} writes it),
 * with what the paper reports, what gradreg measured and the computed verdict. Nothing in it is
 * typed by hand; {@code gradreg report --index DIR} rewrites it.
 */
public final class ResultsIndex {

    private ResultsIndex() {
    }

    /** Writes {@code dir}/README.md (after {@code preamble}, if the folder has a preamble.md) and returns its path. */
    public static Path write(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isDirectory).map(d -> d.resolve("claims.json")).filter(Files::exists).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new BadInput("no report with claims under " + dir + " (run `gradreg report RUNS --spec SPEC --out " + dir + "/NAME` first)");
        }
        StringBuilder md = new StringBuilder("# Results: the papers' claims on real data\n\n");
        Path pre = dir.resolve("preamble.md");
        if (Files.exists(pre)) {
            md.append(Files.readString(pre).strip()).append("\n\n");
        }
        md.append("| experiment | claim | the paper | compared | measured (mean over seeds) | Δ [95% interval] | verdict |\n")
                .append("|---|---|---|---|---|---|---|\n");
        int seen = 0;
        int total = 0;
        for (Path f : files) {
            String name = f.getParent().getFileName().toString();
            JsonNode claims;
            try {
                claims = Json.mapper().readTree(f.toFile());
            } catch (IOException e) {
                throw new BadInput(f + " is damaged: " + BadInput.messageOf(e));
            }
            for (JsonNode c : claims) {
                total++;
                String verdict = c.path("verdict").asText();
                seen += verdict.equals("effect seen") ? 1 : 0;
                md.append("| [").append(name).append("](").append(name).append("/report.md) | ").append(c.path("id").asText()).append(": ")
                        .append(Text.esc(c.path("claim").asText())).append(" | ").append(Text.esc(c.path("paper").asText())).append(" | ");
                if (!c.has("difference")) {
                    md.append("– | – | – | ").append(verdict).append(" |\n");
                    continue;
                }
                boolean pct = c.path("metric").asText().equals("test_error");
                String f1 = pct ? "%.2f" : "%.3g";
                String sign = pct ? "%+.2f" : "%+.3g";
                md.append(Text.esc(c.path("compared").asText())).append(" **vs** ").append(Text.esc(c.path("against").asText()))
                        .append(c.path("panel").asText().isEmpty() ? "" : " (" + c.path("panel").asText() + ")").append(" | ")
                        .append(Text.LABELS.getOrDefault(c.path("metric").asText(), c.path("metric").asText())).append(": ")
                        .append(String.format(Locale.ROOT, f1 + " vs " + f1, mean(c.path("compared_values")), mean(c.path("against_values"))))
                        .append(" | ").append(String.format(Locale.ROOT, sign, c.path("difference").asDouble()));
                if (c.path("ci_low").isNumber()) {
                    md.append(String.format(Locale.ROOT, " [" + sign + ", " + sign + "]", c.path("ci_low").asDouble(), c.path("ci_high").asDouble()));
                }
                md.append(" | **").append(verdict).append("** |\n");
            }
        }
        md.append(String.format(Locale.ROOT, "%nThe effect the paper claims was seen in %d of %d comparisons. *effect seen*: Welch's 95%% interval "
                + "of the difference excludes 0 on the side the paper claims; *opposite effect*: it excludes 0 on the other side; *not seen "
                + "at this scale*: it holds 0. Each experiment's page has the exact command, the table of every setting and the figures.%n",
                seen, total));
        Path out = dir.resolve("README.md");
        AtomicFiles.writeString(out, md.toString());
        return out;
    }

    private static double mean(JsonNode values) {
        double s = 0;
        int n = 0;
        for (JsonNode v : values) {
            s += v.asDouble();
            n++;
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
