package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/claims-coverage.md cannot drift from the ledger: its claim ids are the ledger's, every
 * ledger claim is listed, every status is one of the allowed kinds, and each paper's numbered
 * equations and named results (from the audit of the papers) are all accounted for.
 */
class ClaimsCoverageTest {

    /** Numbered equations per paper: main text and appendices, as numbered in the papers. */
    private static final Map<String, Integer> EQUATIONS = Map.of("GR", 17, "Harmful-GR", 30, "GNR", 37, "AGR", 4, "SWD", 20);
    /** AGR numbers its appendix equations afresh (1-10); the coverage file writes them A1-A10. */
    private static final int AGR_APPENDIX = 10;
    private static final Map<String, List<String>> NAMED = Map.of(
            "GR", List.of("Algorithm 1"),
            "Harmful-GR", List.of("Lemma 4.1", "Theorem 4.2", "Theorem 4.3", "Lemma A.1", "Theorem A.2", "Theorem A.3", "Algorithm 1"),
            "GNR", List.of("Definition 2.1", "Proposition 2.1", "Proposition 2.2", "Definition 2.2", "Theorem 2.3", "Proposition 2.4",
                    "Proposition B.1", "Proposition B.2", "Lemma 3.3", "Algorithm 1", "Figure 1a", "Figure 1b"),
            "AGR", List.of("Theorem 4.1", "Theorem 4.2", "Algorithms 1-2"),
            "SWD", List.of("Definition 1", "Theorem 1", "Theorem 2", "Lemma 1", "Algorithm 1", "Algorithm 2", "Algorithm 3"));
    private static final List<String> KINDS = List.of("claim `", "same as ", "definition", "empirical", "not checkable numerically: ");

    record Row(String paper, String item, String status) {
    }

    static List<Row> rows() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "claims-coverage.md"))) {
            String[] cells = line.split("\\|", -1);
            if (cells.length >= 5 && EQUATIONS.containsKey(cells[1].trim())) {
                rows.add(new Row(cells[1].trim(), cells[2].trim(), cells[3].trim()));
            }
        }
        return rows;
    }

    @Test
    void everyClaimIdIsInTheLedgerAndEveryLedgerClaimIsListed() throws Exception {
        Set<String> ledger = ClaimsLedger.claims().stream().map(Claim::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = new TreeSet<>();
        Pattern id = Pattern.compile("claim `([^`]+)`");
        for (Row r : rows()) {
            Matcher m = id.matcher(r.status());
            while (m.find()) {
                assertTrue(ledger.contains(m.group(1)), "coverage names an unknown claim: " + m.group(1) + " in " + r);
                listed.add(m.group(1));
            }
            assertTrue(KINDS.stream().anyMatch(k -> r.status().startsWith(k)), "status of an unknown kind: " + r);
        }
        assertEquals(ledger, listed, "ledger claims missing from docs/claims-coverage.md");
    }

    @Test
    void everyNumberedEquationAndNamedResultIsAccountedFor() throws Exception {
        List<Row> rows = rows();
        Pattern eqs = Pattern.compile("eqs?\\. (A?)(\\d+)(?:-(A?)(\\d+))?");
        Map<String, Set<Integer>> seen = new LinkedHashMap<>();
        Set<Integer> agrAppendix = new TreeSet<>();
        for (Row r : rows) {
            Matcher m = eqs.matcher(r.item());
            while (m.find()) {
                int from = Integer.parseInt(m.group(2));
                int to = m.group(4) == null ? from : Integer.parseInt(m.group(4));
                for (int k = from; k <= to; k++) {
                    (m.group(1).isEmpty() ? seen.computeIfAbsent(r.paper(), p -> new TreeSet<>()) : agrAppendix).add(k);
                }
            }
        }
        EQUATIONS.forEach((paper, n) -> {
            for (int k = 1; k <= n; k++) {
                assertTrue(seen.getOrDefault(paper, Set.of()).contains(k), paper + " eq. " + k + " is not in docs/claims-coverage.md");
            }
        });
        for (int k = 1; k <= AGR_APPENDIX; k++) {
            assertTrue(agrAppendix.contains(k), "AGR appendix eq. A" + k + " is not in docs/claims-coverage.md");
        }
        // SWD numbers its algorithms Adam/AdamW (1), AdamS (2), AMSGrad (3)
        assertTrue(rows.stream().anyMatch(r -> r.paper().equals("SWD") && r.item().equals("Algorithm 2") && r.status().contains("AdamS")),
                "SWD Algorithm 2 is AdamS");
        NAMED.forEach((paper, names) -> names.forEach(name -> assertTrue(
                rows.stream().anyMatch(r -> r.paper().equals(paper) && r.item().contains(name)),
                paper + " " + name + " is not in docs/claims-coverage.md")));
    }
}
