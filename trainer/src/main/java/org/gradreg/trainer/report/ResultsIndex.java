package org.gradreg.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.gradreg.common.io.AtomicFiles;
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
        md.append(String.format(Locale.ROOT, "%nThe effect the paper claims was seen in %d of %d comparisons. Each comparison pairs the runs of "
                + "the same seed: Δ is the mean paired difference with its paired-t 95%% interval. *effect seen* / *opposite effect*: the paired "
                + "t-test's p after Holm's correction over the comparisons of its page is below 0.05, on the side the paper claims / the other "
                + "side; *not seen*: it is not, with the smallest difference the design could detect (power 0.8); *design too small to judge*: "
                + "fewer than 3 paired seeds or a detectable difference larger than the paper's effect; *no verdict*: a setting did not reach "
                + "its baseline band or a seed's repeats disagree. Each experiment's page has the exact command, the sign-flip permutation "
                + "p-values, the table of every setting and the figures.%n", seen, total));
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
