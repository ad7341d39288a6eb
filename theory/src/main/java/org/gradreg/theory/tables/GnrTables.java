package org.gradreg.theory.tables;

import java.util.ArrayList;
import java.util.List;
import org.gradreg.theory.Claim;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.VerdictRule.Kind;
import org.gradreg.theory.tables.PrintedTable.Cell;

/**
 * The GNR paper's printed accuracy tables that survived extraction (ImageNet, Table 2; fine-tuning,
 * Table 3; Tables 1 and 4 lost their numbers) as printed, and the statements its text makes about them.
 */
public final class GnrTables {

    private GnrTables() {
    }

    /** Table 2: ResNet50 on ImageNet, accuracy (%). */
    public static final PrintedTable TABLE2 = PrintedTable.of("Table 2", "SGD", "SGD + GNR", "SAM", "SAM + GNR")
            .row("Top-1", "75.53±0.16", "76.05±0.12", "76.10±0.10", "76.56±0.11")
            .row("Top-5", "92.59±0.06", "92.85±0.08", "92.92±0.08", "93.19±0.07");

    /** Table 3: fine-tuning accuracy (%), EfficientNet-b0 (SGD, SAM) and Swin-t (AdamW, SAM); rows "data set". */
    public static final PrintedTable TABLE3 = PrintedTable.of("Table 3", "EfficientNet-b0 SGD", "EfficientNet-b0 SGD + GNR",
                    "EfficientNet-b0 SAM", "EfficientNet-b0 SAM + GNR", "Swin-t AdamW", "Swin-t AdamW + GNR", "Swin-t SAM", "Swin-t SAM + GNR")
            .row("Stanford Cars", "82.14", "83.54", "83.21", "83.45", "83.50", "84.70", "83.55", "84.11")
            .row("CIFAR-10", "86.26", "87.37", "86.95", "87.13", "91.32", "91.71", "91.77", "91.87")
            .row("CIFAR-100", "63.75", "64.59", "63.52", "63.64", "72.88", "73.30", "73.05", "73.10")
            .row("Oxford IIIT Pets", "91.03", "91.66", "91.36", "91.09", "93.49", "93.62", "93.45", "93.68")
            .row("Food101", "82.54", "82.69", "82.57", "83.01", "86.38", "86.89", "86.64", "87.03");

    static final String[][] T3_PAIRS = {{"EfficientNet-b0 SGD + GNR", "EfficientNet-b0 SGD"}, {"EfficientNet-b0 SAM + GNR", "EfficientNet-b0 SAM"},
            {"Swin-t AdamW + GNR", "Swin-t AdamW"}, {"Swin-t SAM + GNR", "Swin-t SAM"}};

    /** Every claim about these tables, in ledger order. */
    public static List<Claim> claims() {
        List<Claim> c = new ArrayList<>();
        c.add(new TableStatement("gnr.table2-imagenet", Papers.GNR, "§3.2.2, Table 2",
                "\"GNR consistently improves SGD performance on ImageNet. GNR also further improves the model generalization compared "
                        + "with SAM. The combination of GNR and SAM outperforms SGD and SAM.\"",
                "Table 2, top-1 and top-5 accuracy: SGD + GNR > SGD, SAM + GNR > SAM, SAM + GNR > SGD (6 comparisons, each to 0.01).",
                Kind.STRICT, () -> {
                    List<Case> cases = VerdictRule.cases();
                    for (String row : TABLE2.rows()) {
                        cases.add(TableStatement.better(TABLE2.cell(row, "SGD + GNR"), TABLE2.cell(row, "SGD"), false));
                        cases.add(TableStatement.better(TABLE2.cell(row, "SAM + GNR"), TABLE2.cell(row, "SAM"), false));
                        cases.add(TableStatement.better(TABLE2.cell(row, "SAM + GNR"), TABLE2.cell(row, "SGD"), false));
                    }
                    return cases;
                }));
        c.add(new TableStatement("gnr.table3-gnr-improves-all", Papers.GNR, "§3.3, Table 3",
                "\"We show that GNR improves generalization on all datasets in this setting\"; \"GNR once again brings generalization "
                        + "improvement for SGD, AdamW, and SAM on both EfficientNet-b0 and Swin-t.\"",
                "Every data set and base optimizer of Table 3 (5 × 4 = 20): the + GNR column against its base (accuracy, each to 0.01).",
                Kind.STRICT, () -> {
                    List<Case> cases = VerdictRule.cases();
                    for (String row : TABLE3.rows()) {
                        for (String[] p : T3_PAIRS) {
                            cases.add(TableStatement.better(TABLE3.cell(row, p[0]), TABLE3.cell(row, p[1]), false));
                        }
                    }
                    return cases;
                }));
        c.add(new TableStatement("gnr.text-table3-numbers", Papers.GNR, "§3.3, Table 3",
                "\"For example, GNR improves AdamW by 1.2% on Stanford Cars with Swin-t and 1.11% on CIFAR-10 with EfficientNet-b0.\"",
                "The two differences recomputed from Table 3 over the rounding of the cells, equal after rounding to the printed digits. "
                        + "Table 3 has no AdamW column for EfficientNet-b0 (it was fine-tuned with SGD and SAM): the 1.11 is compared with "
                        + "SGD + GNR − SGD, the only pair it can refer to.", Kind.EXACT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            Cell a = TABLE3.cell("Stanford Cars", "Swin-t AdamW + GNR");
                            Cell b = TABLE3.cell("Stanford Cars", "Swin-t AdamW");
                            cases.add(TableStatement.stated("Swin-t, Stanford Cars, AdamW + GNR − AdamW", 1.2, 1, false,
                                    PrintedTable.at(x -> x[0] - x[1], a, b), PrintedTable.range(x -> x[0] - x[1], a, b)));
                            Cell e = TABLE3.cell("CIFAR-10", "EfficientNet-b0 SGD + GNR");
                            Cell f = TABLE3.cell("CIFAR-10", "EfficientNet-b0 SGD");
                            cases.add(TableStatement.stated("EfficientNet-b0, CIFAR-10, SGD + GNR − SGD (the text says AdamW)", 1.11, 2, false,
                                    PrintedTable.at(x -> x[0] - x[1], e, f), PrintedTable.range(x -> x[0] - x[1], e, f)));
                            return cases;
                        }));
        return c;
    }
}
