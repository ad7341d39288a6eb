package org.gradreg.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.gradreg.trainer.Json;

/**
 * Whether a re-made run equals the recorded one: their {@value RunDir#METRICS} line by line, each
 * line's JSON with its wall times ({@value #TIME}) left out, and their {@value RunDir#RESULT}
 * (the final losses and errors). Equal means every value bit for bit: the numbers are printed with
 * Java's shortest round-trip form, so two equal strings are two equal doubles.
 *
 * @param lines       lines in the recorded metrics
 * @param remadeLines lines in the re-made metrics
 * @param compared    lines compared (the shorter file's count)
 * @param differing   compared lines that differ
 * @param first       the first differing line's number (1-based) and its differing values, or null
 * @param results     whether both results exist and are equal (null when either run has none)
 */
public record RunComparison(int lines, int remadeLines, int compared, int differing, String first, Boolean results) {

    /** The key of a metrics line's wall time, the one value a re-made run is not expected to repeat. */
    public static final String TIME = "time_s";

    /** Compares run directory {@code remade} with {@code recorded}. */
    public static RunComparison of(Path recorded, Path remade) throws IOException {
        List<JsonNode> a = lines(new RunDir(recorded).metrics());
        List<JsonNode> b = lines(new RunDir(remade).metrics());
        int n = Math.min(a.size(), b.size());
        int differing = 0;
        String first = null;
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                differing++;
                if (first == null) {
                    first = "line " + (i + 1) + ": " + difference(a.get(i), b.get(i));
                }
            }
        }
        Path ra = new RunDir(recorded).result();
        Path rb = new RunDir(remade).result();
        Boolean results = Files.exists(ra) && Files.exists(rb)
                ? Json.mapper().readTree(ra.toFile()).equals(Json.mapper().readTree(rb.toFile())) : null;
        return new RunComparison(a.size(), b.size(), n, differing, first, results);
    }

    private static List<JsonNode> lines(Path metrics) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return out;
        }
        for (String l : Files.readAllLines(metrics)) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = Json.mapper().readTree(l);
            if (n instanceof ObjectNode o) {
                o.remove(TIME);
            }
            out.add(n);
        }
        return out;
    }

    /** The keys whose values differ, "key recorded → re-made", at most three. */
    private static String difference(JsonNode a, JsonNode b) {
        List<String> keys = new ArrayList<>();
        Iterator<String> names = a.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!a.get(k).equals(b.get(k))) {
                keys.add(k + " " + a.get(k) + " → " + (b.has(k) ? b.get(k) : "missing"));
            }
        }
        b.fieldNames().forEachRemaining(k -> {
            if (!a.has(k)) {
                keys.add(k + " missing → " + b.get(k));
            }
        });
        String where = a.has("step") ? "step " + a.get("step") + ", " : "";
        return where + String.join("; ", keys.subList(0, Math.min(3, keys.size()))) + (keys.size() > 3 ? "; …" : "");
    }

    /** Every compared line and the results equal, and both runs have as many lines. */
    public boolean equal() {
        return differing == 0 && lines == remadeLines && !Boolean.FALSE.equals(results);
    }

    /** One sentence for the command line. */
    public String sentence(Path recorded) {
        if (equal()) {
            return String.format(Locale.ROOT, "equal to %s in all %d metrics lines (wall times aside)%s", recorded, compared,
                    results == null ? "" : " and in result.json");
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "NOT equal to %s: %d of %d compared metrics lines differ", recorded,
                differing, compared));
        if (first != null) {
            s.append(" (first: ").append(first).append(')');
        }
        if (lines != remadeLines) {
            s.append(String.format(Locale.ROOT, "; the recorded run has %d lines, the re-made one %d", lines, remadeLines));
        }
        if (Boolean.FALSE.equals(results)) {
            s.append("; result.json differs");
        }
        return s.toString();
    }
}
