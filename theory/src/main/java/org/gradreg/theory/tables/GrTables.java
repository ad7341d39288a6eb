package org.gradreg.theory.tables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.gradreg.theory.Claim;
import org.gradreg.theory.Papers;
import org.gradreg.theory.VerdictRule;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.VerdictRule.Kind;
import org.gradreg.theory.tables.PrintedTable.Cell;

/**
 * The GR paper's printed test-error tables (CIFAR CNNs, Table 1; ViTs on CIFAR-10 and CIFAR-100,
 * Tables 2-3; ImageNet, Table 4) as printed, and the statements its text makes about them.
 */
public final class GrTables {

    private GrTables() {
    }

    static final String[] SCHEMES = {"Standard", "SAM", "Ours"};

    /** Table 1: rows "model scheme"; PyramidNet-SD has one column per data set (Auto Aug + Cutmix), in the basic columns. */
    public static final PrintedTable TABLE1 = PrintedTable.of("Table 1", "C10 basic", "C10 cutout", "C100 basic", "C100 cutout")
            .row("VGG16 Standard", "7.07", "5.31", "28.78", "26.98*")
            .row("VGG16 SAM", "6.91", "6.17*", "28.62", "27.13")
            .row("VGG16 Ours", "6.72*", "5.19*", "28.48*", "27.07")
            .row("VGG16-BN Standard", "5.74±0.09", "4.39±0.07", "25.22±0.31", "24.69±0.25")
            .row("VGG16-BN SAM", "5.24±0.08", "4.16±0.11", "24.23±0.29", "23.35±0.33")
            .row("VGG16-BN Ours", "4.88±0.12", "4.02±0.08", "24.04±0.18", "23.07±0.26")
            .row("WideResNet-28-10 Standard", "3.53±0.10", "2.81±0.07", "18.99±0.12", "16.92±0.10")
            .row("WideResNet-28-10 SAM", "2.78±0.07", "2.43±0.13", "16.53±0.13", "14.87±0.16")
            .row("WideResNet-28-10 Ours", "2.52±0.09", "2.16±0.11", "16.02±0.19", "14.28±0.16")
            .row("WideResNet-SS Standard", "2.82±0.05", "2.39±0.06", "17.19±0.19", "15.85±0.14")
            .row("WideResNet-SS SAM", "2.37±0.09", "2.11±0.13", "15.22±0.19", "14.32±0.15")
            .row("WideResNet-SS Ours", "2.28±0.13", "2.01±0.10", "14.93±0.10", "14.03±0.17")
            .row("PyramidNet-SD Standard", "1.66±0.11", "-", "10.83±0.14", "-")
            .row("PyramidNet-SD SAM", "1.41±0.08", "-", "10.33±0.13", "-")
            .row("PyramidNet-SD Ours", "1.30±0.07*", "-", "10.12±0.17*", "-");

    /** Tables 2 (CIFAR-10) and 3 (CIFAR-100), ViTs: rows "model scheme", columns "data augmentation". */
    public static final PrintedTable TABLE23 = PrintedTable.of("Tables 2-3", "C10 basic", "C10 heavy", "C100 basic", "C100 heavy")
            .row("ViT-TI16 Standard", "15.92±0.17", "14.68±0.14", "40.21±0.20", "38.93±0.28")
            .row("ViT-TI16 SAM", "15.33±0.18", "13.77±0.12", "38.89±0.23", "37.61±0.19")
            .row("ViT-TI16 Ours", "14.75±0.17*", "13.52±0.21*", "38.58±0.27*", "37.15±0.21*")
            .row("ViT-S16 Standard", "14.55±0.14", "13.31±0.11", "38.43±0.19", "37.58±0.22")
            .row("ViT-S16 SAM", "13.91±0.18", "12.63±0.09", "37.98±0.23", "36.77±0.25")
            .row("ViT-S16 Ours", "13.66±0.16*", "12.29±0.19*", "37.32±0.28*", "6.59±0.22*");

    /** Table 4: ImageNet top-1 and top-5 error (the columns are headed "Accuray" but hold error rates, as the caption says). */
    public static final PrintedTable TABLE4 = PrintedTable.of("Table 4", "top-1", "top-5")
            .row("VGG16-BN Standard", "26.89±0.12", "8.88±0.06")
            .row("VGG16-BN SAM", "26.41±0.13", "8.60±0.05")
            .row("VGG16-BN Ours", "26.12±0.16*", "8.44±0.06*")
            .row("ResNet50 Standard", "23.64±0.17", "7.01±0.09")
            .row("ResNet50 SAM", "23.16±0.11", "6.72±0.06")
            .row("ResNet50 Ours", "22.87±0.15*", "6.59±0.11*")
            .row("ResNet101 Standard", "21.97±0.09", "6.11±0.07")
            .row("ResNet101 SAM", "21.02±0.10", "5.31±0.09")
            .row("ResNet101 Ours", "20.53±0.13*", "5.18±0.08*");

    static final String[] T1_MODELS = {"VGG16", "VGG16-BN", "WideResNet-28-10", "WideResNet-SS", "PyramidNet-SD"};
    static final String[] T23_MODELS = {"ViT-TI16", "ViT-S16"};
    static final String[] T4_MODELS = {"VGG16-BN", "ResNet50", "ResNet101"};

    /** Every (table, model) group of three schemes, for iteration. */
    record Group(PrintedTable table, String model) {
    }

    static List<Group> groups() {
        List<Group> g = new ArrayList<>();
        for (String m : T1_MODELS) {
            g.add(new Group(TABLE1, m));
        }
        for (String m : T23_MODELS) {
            g.add(new Group(TABLE23, m));
        }
        for (String m : T4_MODELS) {
            g.add(new Group(TABLE4, m));
        }
        return g;
    }

    /** (Standard − Ours)/(Standard − SAM) − 1: how much larger GR's improvement is than SAM's. */
    static double extra(double[] x) {
        return (x[0] - x[2]) / (x[0] - x[1]) - 1;
    }

    /** Every claim about these tables, in ledger order. */
    public static List<Claim> claims() {
        List<Claim> c = new ArrayList<>();
        c.add(new TableStatement("gr.text-wrn-arithmetic", Papers.GR, "§4.1 (text about Table 1)",
                "For WideResNet-28-10, GR improves on standard training \"by 1% on Cifar10 and near 3% on Cifar100\"; \"our improvements "
                        + "could be 38% on average and up to remarkable 70% (on Cifar10 with cutout, ours is 0.65 while SAM's is 0.38, which "
                        + "is 0.65 = (1 + 71%) × 0.38) more than the SAM's improvements\"; for WideResNet-SS \"about 20% improvement compared "
                        + "to the SAM's improvement\"; VGG16-BN \"could be as low as 4% testing error rate on Cifar10\".",
                "Each number recomputed from Table 1 over every rounding of the printed cells (each ± half a unit of its last digit): a "
                        + "number stated plainly must overlap the recomputed range after rounding to its printed digits, \"near/about/as low "
                        + "as N\" within 10% of N. The 1% and 3% are read on the basic augmentation (the cutout values are listed too).",
                Kind.EXACT, GrTables::wrnArithmetic));
        c.add(new TableStatement("gr.at-most-70-percent", Papers.GR, "§1 and §5 (about Tables 1-4)",
                "\"Such improvements could be at most 70% greater than SAM's improvements over the standard training\" (§1); \"the "
                        + "improvement of using our scheme may be at most 70% greater than that of using SAM scheme\" (§5).",
                "Every column of Tables 1-4 where SAM improves on standard training: (Standard − Ours)/(Standard − SAM) − 1 over every "
                        + "rounding of the three cells; margin 70% − its smallest value (a case violates when even the most favourable "
                        + "rounding exceeds 70%), resolution 0. Listed, not judged: columns where SAM is no better than standard (no "
                        + "ratio), and a cell whose error is below half of SAM's beside it (a misprint, not a result).",
                Kind.EXACT, () -> atMost70(true), () -> java.util.Map.of("listed, not judged", atMost70(false).stream().map(Case::label).toList())));
        c.add(new TableStatement("gr.ours-beats-both", Papers.GR, "§4.2 and §5 (Tables 1-4)",
                "\"By comparing with two baselines (the standard training scheme and SAM scheme), we show the superiority of our "
                        + "scheme\" (§5); \"the model generalization could be improved when using our scheme compared to the other two "
                        + "schemes\" (§4.2).",
                "Every column of Tables 1-4: Ours against Standard and against SAM (lower error), each to 0.01.", Kind.STRICT, () -> {
                    List<Case> cases = VerdictRule.cases();
                    for (Group g : groups()) {
                        for (String col : g.table().columns()) {
                            if (!g.table().has(g.model() + " Ours", col)) {
                                continue;
                            }
                            Cell ours = g.table().cell(g.model() + " Ours", col);
                            cases.add(TableStatement.better(ours, g.table().cell(g.model() + " Standard", col), true));
                            cases.add(TableStatement.better(ours, g.table().cell(g.model() + " SAM", col), true));
                        }
                    }
                    return cases;
                }));
        c.add(new TableStatement("gr.bold-is-best", Papers.GR, "Tables 1-4 (bold cells)",
                "The bold cells of Tables 1-4 mark the best (lowest-error) of the three schemes in their column.",
                "For each bold cell: its error against the other two schemes of the same model and column; margin the lower of theirs − "
                        + "the bold one, resolution 0.01.", Kind.EXACT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (Group g : groups()) {
                                HarmfulGrTables.bold(cases, restricted(g), g.model() + " ", SCHEMES);
                            }
                            return cases;
                        }));
        return c;
    }

    /** The table restricted to the columns this model has (PyramidNet-SD has two). */
    private static PrintedTable restricted(Group g) {
        List<String> cols = g.table().columns().stream().filter(col -> g.table().has(g.model() + " Ours", col)).toList();
        PrintedTable t = PrintedTable.of(g.table().name(), cols.toArray(String[]::new));
        for (String s : SCHEMES) {
            String[] cells = cols.stream().map(col -> {
                Cell x = g.table().cell(g.model() + " " + s, col);
                return String.format(Locale.ROOT, "%." + x.decimals() + "f", x.value()) + (x.bold() ? "*" : "");
            }).toArray(String[]::new);
            t.row(g.model() + " " + s, cells);
        }
        return t;
    }

    private static Cell t1(String model, String scheme, String col) {
        return TABLE1.cell(model + " " + scheme, col);
    }

    private static List<Case> wrnArithmetic() {
        List<Case> cases = VerdictRule.cases();
        String wrn = "WideResNet-28-10";
        Cell s10 = t1(wrn, "Standard", "C10 basic");
        Cell o10 = t1(wrn, "Ours", "C10 basic");
        cases.add(TableStatement.stated("WRN-28-10 C10 basic, Standard − Ours", 1, 0, false, PrintedTable.at(x -> x[0] - x[1], s10, o10),
                PrintedTable.range(x -> x[0] - x[1], s10, o10)));
        Cell s100 = t1(wrn, "Standard", "C100 basic");
        Cell o100 = t1(wrn, "Ours", "C100 basic");
        cases.add(TableStatement.stated("WRN-28-10 C100 basic, Standard − Ours (near 3)", 3, 0, true, PrintedTable.at(x -> x[0] - x[1], s100, o100),
                PrintedTable.range(x -> x[0] - x[1], s100, o100)));
        String[] cols = {"C10 basic", "C10 cutout", "C100 basic", "C100 cutout"};
        Cell[] all = new Cell[12];
        for (int k = 0; k < 4; k++) {
            all[3 * k] = t1(wrn, "Standard", cols[k]);
            all[3 * k + 1] = t1(wrn, "SAM", cols[k]);
            all[3 * k + 2] = t1(wrn, "Ours", cols[k]);
        }
        java.util.function.ToDoubleFunction<double[]> mean = x -> {
            double s = 0;
            for (int k = 0; k < 4; k++) {
                s += 100 * extra(new double[] {x[3 * k], x[3 * k + 1], x[3 * k + 2]}) / 4;
            }
            return s;
        };
        cases.add(TableStatement.stated("WRN-28-10, mean over the 4 columns of 100·((Std − Ours)/(Std − SAM) − 1)", 38, 0, false,
                PrintedTable.at(mean, all), PrintedTable.range(mean, all)));
        Cell s = t1(wrn, "Standard", "C10 cutout");
        Cell a = t1(wrn, "SAM", "C10 cutout");
        Cell o = t1(wrn, "Ours", "C10 cutout");
        cases.add(TableStatement.stated("WRN-28-10 C10 cutout, Standard − Ours (\"ours is 0.65\")", 0.65, 2, false,
                PrintedTable.at(x -> x[0] - x[1], s, o), PrintedTable.range(x -> x[0] - x[1], s, o)));
        cases.add(TableStatement.stated("WRN-28-10 C10 cutout, Standard − SAM (\"SAM's is 0.38\")", 0.38, 2, false,
                PrintedTable.at(x -> x[0] - x[1], s, a), PrintedTable.range(x -> x[0] - x[1], s, a)));
        cases.add(TableStatement.stated("WRN-28-10 C10 cutout, 100·(0.65/0.38 − 1) (\"71%\")", 71, 0, false,
                PrintedTable.at(x -> 100 * extra(x), s, a, o), PrintedTable.range(x -> 100 * extra(x), s, a, o)));
        java.util.function.ToDoubleFunction<double[]> max = x -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 4; k++) {
                m = Math.max(m, 100 * extra(new double[] {x[3 * k], x[3 * k + 1], x[3 * k + 2]}));
            }
            return m;
        };
        cases.add(TableStatement.stated("WRN-28-10, largest of the 4 columns (\"up to remarkable 70%\")", 70, 0, true, PrintedTable.at(max, all),
                PrintedTable.range(max, all)));
        Cell[] ss = new Cell[12];
        for (int k = 0; k < 4; k++) {
            ss[3 * k] = t1("WideResNet-SS", "Standard", cols[k]);
            ss[3 * k + 1] = t1("WideResNet-SS", "SAM", cols[k]);
            ss[3 * k + 2] = t1("WideResNet-SS", "Ours", cols[k]);
        }
        cases.add(TableStatement.stated("WRN-SS, mean over the 4 columns (\"about 20%\")", 20, 0, true, PrintedTable.at(mean, ss),
                PrintedTable.range(mean, ss)));
        Cell vgg = t1("VGG16-BN", "Ours", "C10 cutout");
        cases.add(TableStatement.stated("VGG16-BN C10, lowest error (\"as low as 4%\")", 4, 0, true, vgg.value(), new double[] {
                vgg.value() - vgg.rounding(), vgg.value() + vgg.rounding()}));
        return cases;
    }

    /** The judged columns ({@code judged}) or the ones listed only (SAM no better than standard; a misprinted cell). */
    private static List<Case> atMost70(boolean judged) {
        List<Case> cases = VerdictRule.cases();
        for (Group g : groups()) {
            for (String col : g.table().columns()) {
                if (!g.table().has(g.model() + " Ours", col)) {
                    continue;
                }
                Cell st = g.table().cell(g.model() + " Standard", col);
                Cell sam = g.table().cell(g.model() + " SAM", col);
                Cell ours = g.table().cell(g.model() + " Ours", col);
                boolean noRatio = st.value() - sam.value() <= st.rounding() + sam.rounding();
                boolean misprint = ours.value() < 0.5 * sam.value();
                if (judged == (noRatio || misprint)) {
                    continue;
                }
                if (noRatio) {
                    cases.add(Case.of(String.format(Locale.ROOT, "%s %s %s: Std %s, SAM %s (SAM no better than standard)", g.table().name(),
                            g.model(), col, st.printed(), sam.printed()), 0, 0));
                    continue;
                }
                double[] range = PrintedTable.range(GrTables::extra, st, sam, ours);
                String typo = misprint ? " (an error of " + ours.printed() + " beside SAM's " + sam.printed() + ": presumably a misprint)" : "";
                cases.add(Case.of(String.format(Locale.ROOT, "%s %s %s: Std %s, SAM %s, Ours %s, GR's improvement exceeds SAM's by %.0f%% "
                                + "(%.0f%% to %.0f%%)%s", g.table().name(), g.model(), col, st.printed(), sam.printed(), ours.printed(),
                        100 * PrintedTable.at(GrTables::extra, st, sam, ours), 100 * range[0], 100 * range[1], typo), 0.70 - range[0], 0));
            }
        }
        return cases;
    }
}
