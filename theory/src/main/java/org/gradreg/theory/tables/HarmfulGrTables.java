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
 * The harmful-GR paper's printed test-error tables (CIFAR ViTs, Table 1; the GR warmup strategies,
 * Table 2; Swin and CaiT, Table 4; TinyImageNet and ImageNet, Table 5), transcribed as printed, and
 * the statements its text makes about them, each a claim.
 */
public final class HarmfulGrTables {

    private HarmfulGrTables() {
    }

    static final String[] MODELS = {"ViT-Ti", "ViT-S", "ViT-B"};
    static final String[] OPTIMIZERS = {"Adam", "RMSProp"};
    static final String[] DATA = {"C10", "C100"};

    /** Table 1: test error (%) with and without LR warmup, vanilla and GR; rows "model optimizer warmup|no-warmup". */
    public static final PrintedTable TABLE1 = PrintedTable.of("Table 1", "C10 vanilla", "C10 GR", "C100 vanilla", "C100 GR")
            .row("ViT-Ti Adam no-warmup", "15.94±0.33", "14.37±0.31", "41.19±0.21", "39.99±0.39")
            .row("ViT-Ti Adam warmup", "14.82±0.64", "13.92±0.19", "39.25±0.41", "39.28±0.50")
            .row("ViT-Ti RMSProp no-warmup", "17.05±0.45", "16.32±0.30", "41.62±0.16", "41.06±0.90")
            .row("ViT-Ti RMSProp warmup", "16.47±0.39", "15.79±0.25", "40.31±0.50", "40.02±0.22")
            .row("ViT-S Adam no-warmup", "15.43±0.52", "14.41±0.42", "42.83±0.34", "39.16±0.27")
            .row("ViT-S Adam warmup", "12.07±0.53", "12.40±0.17*", "37.17±0.24", "36.65±0.23")
            .row("ViT-S RMSProp no-warmup", "19.94±0.44", "17.74±0.23", "43.09±0.34", "40.63±0.30")
            .row("ViT-S RMSProp warmup", "15.47±0.15", "14.77±0.35", "38.55±0.22", "37.90±0.19")
            .row("ViT-B Adam no-warmup", "18.72±0.21", "16.11±0.43", "44.16±0.50", "41.69±0.42")
            .row("ViT-B Adam warmup", "10.83±0.28", "12.36±0.33*", "36.70±0.17", "36.65±0.26")
            .row("ViT-B RMSProp no-warmup", "20.19±0.17", "19.06±0.67", "44.47±0.47", "42.28±0.65")
            .row("ViT-B RMSProp warmup", "15.76±0.25", "14.97±0.25", "39.03±0.34", "39.04±0.35");

    static final String[] POLICIES = {"GR", "r-warmup", "λ-warmup", "zero-warmup"};

    /** Table 2: test error (%) of the GR warmup strategies (all with LR warmup); rows "model optimizer policy". */
    public static final PrintedTable TABLE2 = PrintedTable.of("Table 2", "C10", "C100")
            .row("ViT-Ti Adam GR", "13.92±0.19", "39.38±0.50")
            .row("ViT-Ti Adam r-warmup", "13.80±0.17", "39.24±0.37")
            .row("ViT-Ti Adam λ-warmup", "13.86±0.35", "39.12±0.37*")
            .row("ViT-Ti Adam zero-warmup", "13.61±0.20*", "38.53±0.38")
            .row("ViT-Ti RMSProp GR", "15.79±0.25", "40.02±0.22")
            .row("ViT-Ti RMSProp r-warmup", "15.32±0.21", "39.80±0.22")
            .row("ViT-Ti RMSProp λ-warmup", "15.47±0.27", "39.55±0.19")
            .row("ViT-Ti RMSProp zero-warmup", "15.06±0.40*", "39.25±0.21*")
            .row("ViT-S Adam GR", "12.40±0.17", "36.65±0.23")
            .row("ViT-S Adam r-warmup", "11.72±0.38", "36.53±0.18")
            .row("ViT-S Adam λ-warmup", "11.47±0.04", "36.48±0.23")
            .row("ViT-S Adam zero-warmup", "10.68±0.49*", "35.41±0.25*")
            .row("ViT-S RMSProp GR", "14.77±0.35", "37.90±0.19")
            .row("ViT-S RMSProp r-warmup", "14.73±0.18", "37.65±0.30")
            .row("ViT-S RMSProp λ-warmup", "14.65±0.39", "37.74±0.27")
            .row("ViT-S RMSProp zero-warmup", "14.02±0.29*", "37.37±0.31*")
            .row("ViT-B Adam GR", "12.36±0.33", "36.65±0.26")
            .row("ViT-B Adam r-warmup", "10.22±0.26", "36.18±0.37")
            .row("ViT-B Adam λ-warmup", "9.98±0.23", "36.03±0.30")
            .row("ViT-B Adam zero-warmup", "9.42±0.15*", "35.75±0.20*")
            .row("ViT-B RMSProp GR", "14.97±0.25", "39.04±0.35")
            .row("ViT-B RMSProp r-warmup", "14.42±0.11", "38.36±0.22")
            .row("ViT-B RMSProp λ-warmup", "14.55±0.39", "38.50±0.15")
            .row("ViT-B RMSProp zero-warmup", "14.34±0.24*", "38.24±0.21*");

    static final String[] T4_MODELS = {"Swin-Tiny", "Swin-Small", "Swin-Base", "CaiT-XXS12", "CaiT-XXS24", "CaiT-XS12", "CaiT-S12"};
    static final String[] T4_POLICIES = {"no GR", "vanilla GR", "r-warmup", "λ-warmup", "zero-warmup"};

    /** Table 4: Swin and CaiT with Adam; rows "model policy". */
    public static final PrintedTable TABLE4 = PrintedTable.of("Table 4", "C10", "C100")
            .row("Swin-Tiny no GR", "12.39±0.21", "42.36±0.42")
            .row("Swin-Tiny vanilla GR", "11.34±0.14", "40.65±0.33")
            .row("Swin-Tiny r-warmup", "10.54±0.19", "39.44±0.29")
            .row("Swin-Tiny λ-warmup", "10.70±0.29", "39.13±0.36*")
            .row("Swin-Tiny zero-warmup", "10.52±0.16*", "39.51±0.32")
            .row("Swin-Small no GR", "12.72±0.17", "43.14±0.44")
            .row("Swin-Small vanilla GR", "11.85±0.13", "42.20±0.42")
            .row("Swin-Small r-warmup", "11.68±0.22", "40.82±0.34")
            .row("Swin-Small λ-warmup", "11.69±0.19", "40.69±0.40")
            .row("Swin-Small zero-warmup", "11.24±0.17*", "40.12±0.26*")
            .row("Swin-Base no GR", "12.26±0.16", "41.63±0.53")
            .row("Swin-Base vanilla GR", "11.88±0.20", "38.89±0.44")
            .row("Swin-Base r-warmup", "11.44±0.17", "39.53±0.37*")
            .row("Swin-Base λ-warmup", "11.34±0.27", "38.92±0.30")
            .row("Swin-Base zero-warmup", "10.90±0.15*", "38.69±0.42")
            .row("CaiT-XXS12 no GR", "13.25±0.14", "41.74±0.46")
            .row("CaiT-XXS12 vanilla GR", "13.62±0.23", "39.14±0.17")
            .row("CaiT-XXS12 r-warmup", "11.31±0.24", "38.74±0.33")
            .row("CaiT-XXS12 λ-warmup", "12.06±0.31", "39.31±0.43*")
            .row("CaiT-XXS12 zero-warmup", "11.07±0.18*", "38.51±0.36")
            .row("CaiT-XXS24 no GR", "11.89±0.19", "39.42±0.53")
            .row("CaiT-XXS24 vanilla GR", "12.77±0.15", "38.02±0.36")
            .row("CaiT-XXS24 r-warmup", "10.47±0.13", "37.04±0.41*")
            .row("CaiT-XXS24 λ-warmup", "11.77±0.24", "37.52±0.29")
            .row("CaiT-XXS24 zero-warmup", "9.87±0.20*", "37.17±0.41")
            .row("CaiT-XS12 no GR", "11.06±0.16", "39.15±0.47")
            .row("CaiT-XS12 vanilla GR", "12.52±0.19", "37.65±0.32")
            .row("CaiT-XS12 r-warmup", "9.48±0.24*", "37.83±0.36")
            .row("CaiT-XS12 λ-warmup", "10.23±0.21", "37.78±0.33")
            .row("CaiT-XS12 zero-warmup", "9.59±0.25", "37.46±0.49*")
            .row("CaiT-S12 no GR", "10.59±0.18", "39.15±0.45")
            .row("CaiT-S12 vanilla GR", "12.34±0.25", "36.41±0.41")
            .row("CaiT-S12 r-warmup", "9.03±0.29", "35.70±0.33")
            .row("CaiT-S12 λ-warmup", "9.20±0.31", "36.12±0.43")
            .row("CaiT-S12 zero-warmup", "8.94±0.14*", "35.16±0.39*");

    static final String[] T5_MODELS = {"ViT-Ti TinyImageNet", "ViT-S TinyImageNet", "ViT-B TinyImageNet", "Swin-Tiny ImageNet"};

    /** Table 5: TinyImageNet and ImageNet with Adam; rows "model data policy". */
    public static final PrintedTable TABLE5 = PrintedTable.of("Table 5", "error")
            .row("ViT-Ti TinyImageNet no GR", "52.15±0.16")
            .row("ViT-Ti TinyImageNet vanilla GR", "51.08±0.19")
            .row("ViT-Ti TinyImageNet r-warmup", "50.41±0.21")
            .row("ViT-Ti TinyImageNet λ-warmup", "50.54±0.14")
            .row("ViT-Ti TinyImageNet zero-warmup", "50.19±0.20*")
            .row("ViT-S TinyImageNet no GR", "52.28±0.23")
            .row("ViT-S TinyImageNet vanilla GR", "50.64±0.18")
            .row("ViT-S TinyImageNet r-warmup", "50.07±0.24")
            .row("ViT-S TinyImageNet λ-warmup", "50.25±0.26")
            .row("ViT-S TinyImageNet zero-warmup", "49.91±0.19*")
            .row("ViT-B TinyImageNet no GR", "62.23±0.21")
            .row("ViT-B TinyImageNet vanilla GR", "49.96±0.23")
            .row("ViT-B TinyImageNet r-warmup", "49.30±0.14")
            .row("ViT-B TinyImageNet λ-warmup", "48.73±0.15")
            .row("ViT-B TinyImageNet zero-warmup", "48.75±0.20*")
            .row("Swin-Tiny ImageNet no GR", "23.43±0.24")
            .row("Swin-Tiny ImageNet vanilla GR", "22.34±0.15")
            .row("Swin-Tiny ImageNet r-warmup", "21.81±0.28")
            .row("Swin-Tiny ImageNet λ-warmup", "22.04±0.22")
            .row("Swin-Tiny ImageNet zero-warmup", "21.58±0.34*");

    private static Cell t1(String model, String opt, boolean warmup, String column) {
        return TABLE1.cell(model + " " + opt + (warmup ? " warmup" : " no-warmup"), column);
    }

    private static String col(String data, boolean gr) {
        return data + (gr ? " GR" : " vanilla");
    }

    private static final String SOURCE = "Values as printed; a printed number is known to half a unit of its last digit, so a comparison of two "
            + "cells has resolution 0.01 (both roundings).";

    /** Every claim about these tables, in ledger order. */
    public static List<Claim> claims() {
        List<Claim> c = new ArrayList<>();
        c.add(new TableStatement("harmful-gr.table2-restates-table1", Papers.HARMFUL_GR, "Tables 1 and 2 (GR with LR warmup)",
                "Table 2's \"GR (baseline)\" rows are Table 1's GR results with LR warmup (same models, optimizers, data sets): the same "
                        + "numbers printed twice.",
                "Each of the 12 means and 12 ± figures of Table 1's GR-with-warmup cells against Table 2's GR-baseline cells; margin "
                        + "−|difference|, resolution half a unit of the last digit.", Kind.EXACT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String m : MODELS) {
                                for (String o : OPTIMIZERS) {
                                    for (String d : DATA) {
                                        Cell a = t1(m, o, true, col(d, true));
                                        Cell b = TABLE2.cell(m + " " + o + " GR", d);
                                        cases.add(TableStatement.same(a, b));
                                        cases.add(TableStatement.samePlusMinus(a, b));
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table1-lr-warmup-universal", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"Training with LR warmup will universally give better model performance for both vanilla training and gradient "
                        + "regularization training.\"",
                "Every pair of Table 1 cells that differ only in LR warmup (3 models × 2 optimizers × 2 data sets × vanilla/GR = 24): "
                        + "the warmup cell must have the lower error. " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String m : MODELS) {
                                for (String o : OPTIMIZERS) {
                                    for (String d : DATA) {
                                        for (boolean gr : new boolean[] {false, true}) {
                                            cases.add(TableStatement.better(t1(m, o, true, col(d, gr)), t1(m, o, false, col(d, gr)), true));
                                        }
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table1-gr-helps-without-warmup", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"When training without LR warmup, GR consistently enhances model performance across all instances.\"",
                "Every no-warmup pair of Table 1 (3 models × 2 optimizers × 2 data sets = 12): GR must have the lower error. " + SOURCE,
                Kind.STRICT, () -> {
                    List<Case> cases = VerdictRule.cases();
                    for (String m : MODELS) {
                        for (String o : OPTIMIZERS) {
                            for (String d : DATA) {
                                cases.add(TableStatement.better(t1(m, o, false, col(d, true)), t1(m, o, false, col(d, false)), true));
                            }
                        }
                    }
                    return cases;
                }));
        c.add(new TableStatement("harmful-gr.table1-vit-b-worst-without-warmup", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"In the absence of the LR warmup technique, the performance of ViT-B models ... degenerates to a catastrophic level, "
                        + "significantly inferior to even the simplest ViT-Ti models.\"",
                "Every no-warmup cell of ViT-B against the same cell of ViT-Ti (2 optimizers × 2 data sets × vanilla/GR = 8): ViT-Ti must "
                        + "have the lower error. " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String o : OPTIMIZERS) {
                                for (String d : DATA) {
                                    for (boolean gr : new boolean[] {false, true}) {
                                        cases.add(TableStatement.better(t1("ViT-Ti", o, false, col(d, gr)), t1("ViT-B", o, false, col(d, gr)), true));
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table1-adam-beats-rmsprop", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"For these ViT models, training with Adam optimizers noticeably excels over RMSProp optimizers.\"",
                "Every Adam cell of Table 1 against the same RMSProp cell (3 models × warmup/none × 2 data sets × vanilla/GR = 24): Adam "
                        + "must have the lower error. " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String m : MODELS) {
                                for (boolean w : new boolean[] {false, true}) {
                                    for (String d : DATA) {
                                        for (boolean gr : new boolean[] {false, true}) {
                                            cases.add(TableStatement.better(t1(m, "Adam", w, col(d, gr)), t1(m, "RMSProp", w, col(d, gr)), true));
                                        }
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table1-adam-5-points", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"When applied to ViT-B models on Cifar10 in vanilla training, the testing error rate when utilizing the Adam optimizer "
                        + "can be approximately 5% lower compared to the usage of the RMSProp optimizer.\" (with LR warmup)",
                "RMSProp − Adam for ViT-B, CIFAR-10, vanilla, with LR warmup, over every rounding of the two printed cells, against "
                        + "\"approximately 5\" (within 10%).", Kind.EXACT, () -> {
                            Cell a = t1("ViT-B", "Adam", true, "C10 vanilla");
                            Cell r = t1("ViT-B", "RMSProp", true, "C10 vanilla");
                            return List.of(TableStatement.stated("ViT-B C10 vanilla, RMSProp − Adam", 5, 0, true,
                                    PrintedTable.at(x -> x[1] - x[0], a, r), PrintedTable.range(x -> x[1] - x[0], a, r)));
                        }));
        c.add(new TableStatement("harmful-gr.table1-adam-gains-more-from-warmup", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"Adam optimizers derive greater benefits from the LR warmup techniques as compared to RMSProp optimizers, especially "
                        + "in training without gradient regularization.\"",
                "For each model, data set and vanilla/GR (12): Adam's gain from warmup (no-warmup − warmup error) must exceed RMSProp's; "
                        + "margin the difference of the two gains, resolution 0.02 (four roundings).", Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String m : MODELS) {
                                for (String d : DATA) {
                                    for (boolean gr : new boolean[] {false, true}) {
                                        String cl = col(d, gr);
                                        double adam = t1(m, "Adam", false, cl).value() - t1(m, "Adam", true, cl).value();
                                        double rms = t1(m, "RMSProp", false, cl).value() - t1(m, "RMSProp", true, cl).value();
                                        cases.add(Case.of(String.format(Locale.ROOT, "%s %s: Adam gains %.2f, RMSProp %.2f", m, cl, adam, rms),
                                                adam - rms, 0.02));
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table1-rmsprop-gr-helps-mostly", Papers.HARMFUL_GR, "§3.2, Table 1",
                "\"When GR training with LR warmup, for the RMSProp optimizer, GR can marginally improve model performance for most "
                        + "instances.\"",
                "RMSProp with LR warmup, GR against vanilla (3 models × 2 data sets = 6 comparisons, each to 0.01): GR must be lower in "
                        + "more than half (one case, margin = lower − 6/2).", Kind.STRICT, () -> {
                            List<Case> pairs = VerdictRule.cases();
                            for (String m : MODELS) {
                                for (String d : DATA) {
                                    pairs.add(TableStatement.better(t1(m, "RMSProp", true, col(d, true)), t1(m, "RMSProp", true, col(d, false)), true));
                                }
                            }
                            return List.of(TableStatement.most("RMSProp with warmup, GR lower than vanilla", pairs));
                        }));
        c.add(new TableStatement("harmful-gr.table1-degeneration-grows-with-size", Papers.HARMFUL_GR, "§3.2, Table 1",
                "With Adam and LR warmup, GR's degradation (GR − vanilla error) \"becomes more significant as model complexity "
                        + "increases\" (ViT-Ti → ViT-S → ViT-B).",
                "For CIFAR-10 and CIFAR-100, Adam with LR warmup: GR − vanilla for ViT-Ti, ViT-S, ViT-B must increase at each step (4 "
                        + "comparisons); margin the increase, resolution 0.02 (four roundings).", Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String d : DATA) {
                                double prev = Double.NaN;
                                String prevM = null;
                                for (String m : MODELS) {
                                    double deg = t1(m, "Adam", true, col(d, true)).value() - t1(m, "Adam", true, col(d, false)).value();
                                    if (prevM != null) {
                                        cases.add(Case.of(String.format(Locale.ROOT, "%s: GR − vanilla %s %+.2f → %s %+.2f", d, prevM, prev, m, deg),
                                                deg - prev, 0.02));
                                    }
                                    prev = deg;
                                    prevM = m;
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table2-r-warmup-improves", Papers.HARMFUL_GR, "§5.1, Table 2",
                "\"When using the r-warmup GR during the warmup course, all training cases exhibit improved model performance compared "
                        + "to standard GR implementation.\"",
                "Every (model, optimizer, data set) of Table 2 (12): r-warmup must have a lower error than GR (baseline). " + SOURCE,
                Kind.STRICT, () -> policyVsPolicy("r-warmup", "GR")));
        c.add(new TableStatement("harmful-gr.table2-vit-b-r-warmup-beats-no-gr", Papers.HARMFUL_GR, "§5.1, Tables 1-2",
                "\"Particularly for ViT-B models, [r-warmup] performance significantly surpasses that of models trained with GR, and "
                        + "slightly outperform those trained without GR.\"",
                "ViT-B, both optimizers and data sets (4): Table 2's r-warmup against Table 1's vanilla with LR warmup and against Table "
                        + "2's GR; r-warmup must be lower in all 8. " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String o : OPTIMIZERS) {
                                for (String d : DATA) {
                                    Cell r = TABLE2.cell("ViT-B " + o + " r-warmup", d);
                                    cases.add(TableStatement.better(r, t1("ViT-B", o, true, col(d, false)), true));
                                    cases.add(TableStatement.better(r, TABLE2.cell("ViT-B " + o + " GR", d), true));
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table2-lambda-beats-r-mostly", Papers.HARMFUL_GR, "§5.2, Table 2",
                "\"Although the gradients between adopting r-warmup GR and λ-warmup GR are quite close, λ-warmup GR can provide "
                        + "relatively better results\" (read: lower error than r-warmup in most of Table 2).",
                "The 12 (model, optimizer, data set) of Table 2: λ-warmup against r-warmup (each to 0.01); one case, λ-warmup must be "
                        + "lower in more than half.", Kind.STRICT, () -> List.of(TableStatement.most("λ-warmup lower than r-warmup",
                                policyVsPolicy("λ-warmup", "r-warmup")))));
        c.add(new TableStatement("harmful-gr.table2-zero-warmup-best", Papers.HARMFUL_GR, "§5.3, Table 2",
                "\"The zero-warmup GR yields superior performance compared to the other two strategies.\"",
                "Every (model, optimizer, data set) of Table 2 (12): zero-warmup against r-warmup and against λ-warmup (24 "
                        + "comparisons). " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = policyVsPolicy("zero-warmup", "r-warmup");
                            cases.addAll(policyVsPolicy("zero-warmup", "λ-warmup"));
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.abstract-3-points", Papers.HARMFUL_GR, "Abstract, §5.3, Table 2",
                "\"The performance can be improved by up to 3% on Cifar10 compared to baseline GR\" (abstract); \"for ViT-B models, this "
                        + "enhancement approximates nearly a 3% percent notch up on the Cifar10 dataset\" (§5.3, zero-warmup).",
                "From Table 2: the largest CIFAR-10 improvement of any warmup strategy over GR (baseline), and ViT-B Adam's zero-warmup "
                        + "improvement, over every rounding of the cells, against \"about 3\" (within 10%).", Kind.EXACT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            Cell bestGr = null;
                            Cell bestPolicy = null;
                            double best = Double.NEGATIVE_INFINITY;
                            for (String m : MODELS) {
                                for (String o : OPTIMIZERS) {
                                    Cell gr = TABLE2.cell(m + " " + o + " GR", "C10");
                                    for (int p = 1; p < POLICIES.length; p++) {
                                        Cell x = TABLE2.cell(m + " " + o + " " + POLICIES[p], "C10");
                                        if (gr.value() - x.value() > best) {
                                            best = gr.value() - x.value();
                                            bestGr = gr;
                                            bestPolicy = x;
                                        }
                                    }
                                }
                            }
                            cases.add(TableStatement.stated("largest CIFAR-10 gain over GR (" + bestPolicy.row() + ")", 3, 0, true,
                                    PrintedTable.at(x -> x[0] - x[1], bestGr, bestPolicy), PrintedTable.range(x -> x[0] - x[1], bestGr, bestPolicy)));
                            Cell gr = TABLE2.cell("ViT-B Adam GR", "C10");
                            Cell zero = TABLE2.cell("ViT-B Adam zero-warmup", "C10");
                            cases.add(TableStatement.stated("ViT-B Adam zero-warmup gain over GR", 3, 0, true,
                                    PrintedTable.at(x -> x[0] - x[1], gr, zero), PrintedTable.range(x -> x[0] - x[1], gr, zero)));
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table4-strategies-improve", Papers.HARMFUL_GR, "Appendix C, Table 4",
                "\"Our methods demonstrate improved performance across different Transformer architectures\" (Swin and CaiT, Table 4).",
                "Every warmup strategy against vanilla GR for each of the 7 models and 2 data sets (42 comparisons): the strategy must "
                        + "have the lower error. " + SOURCE, Kind.STRICT, () -> {
                            List<Case> cases = VerdictRule.cases();
                            for (String m : T4_MODELS) {
                                for (String d : DATA) {
                                    for (int p = 2; p < T4_POLICIES.length; p++) {
                                        cases.add(TableStatement.better(TABLE4.cell(m + " " + T4_POLICIES[p], d), TABLE4.cell(m + " vanilla GR", d), true));
                                    }
                                }
                            }
                            return cases;
                        }));
        c.add(new TableStatement("harmful-gr.table4-zero-warmup-best-mostly", Papers.HARMFUL_GR, "Appendix C, Table 4",
                "\"Among the three GR warmup strategy, zero-warmup strategy yield the best results for the most cases.\"",
                "The 14 (model, data set) columns of Table 4: zero-warmup is best when lower than both r- and λ-warmup (to 0.01); one "
                        + "case, best in more than half.", Kind.STRICT, () -> {
                            List<Case> per = VerdictRule.cases();
                            for (String m : T4_MODELS) {
                                for (String d : DATA) {
                                    Case r = TableStatement.better(TABLE4.cell(m + " zero-warmup", d), TABLE4.cell(m + " r-warmup", d), true);
                                    Case l = TableStatement.better(TABLE4.cell(m + " zero-warmup", d), TABLE4.cell(m + " λ-warmup", d), true);
                                    Case worse = r.margin() < l.margin() ? r : l;
                                    per.add(Case.of(m + " " + d + ": " + worse.label(), worse.margin(), worse.resolution()));
                                }
                            }
                            return List.of(TableStatement.most("zero-warmup best of the three", per));
                        }));
        c.add(new TableStatement("harmful-gr.table5-consistent-reduction", Papers.HARMFUL_GR, "Appendix C, Table 5",
                "\"Our methods shows the effectiveness, as evidenced by a consistent reduction in error rates across all models tested\" "
                        + "(TinyImageNet and ImageNet, Table 5).",
                "Every warmup strategy against vanilla GR for the 4 models (12 comparisons). " + SOURCE, Kind.STRICT, () -> {
                    List<Case> cases = VerdictRule.cases();
                    for (String m : T5_MODELS) {
                        for (int p = 2; p < T4_POLICIES.length; p++) {
                            cases.add(TableStatement.better(TABLE5.cell(m + " " + T4_POLICIES[p], "error"), TABLE5.cell(m + " vanilla GR", "error"), true));
                        }
                    }
                    return cases;
                }));
        c.add(new TableStatement("harmful-gr.bold-is-best", Papers.HARMFUL_GR, "Tables 2, 4, 5 (bold cells)",
                "In Tables 2, 4 and 5 the bold cell of each model's column marks the best (lowest-error) GR strategy.",
                "For each bold cell: its error against every other GR strategy of the same model and column (GR baseline / vanilla GR, "
                        + "r-, λ-, zero-warmup); margin the smallest of those errors − the bold one, resolution 0.01.", Kind.EXACT,
                HarmfulGrTables::boldCases));
        return c;
    }

    private static List<Case> policyVsPolicy(String better, String worse) {
        List<Case> cases = VerdictRule.cases();
        for (String m : MODELS) {
            for (String o : OPTIMIZERS) {
                for (String d : DATA) {
                    cases.add(TableStatement.better(TABLE2.cell(m + " " + o + " " + better, d), TABLE2.cell(m + " " + o + " " + worse, d), true));
                }
            }
        }
        return cases;
    }

    private static List<Case> boldCases() {
        List<Case> cases = VerdictRule.cases();
        for (String m : MODELS) {
            for (String o : OPTIMIZERS) {
                bold(cases, TABLE2, m + " " + o + " ", POLICIES);
            }
        }
        for (String m : T4_MODELS) {
            bold(cases, TABLE4, m + " ", java.util.Arrays.copyOfRange(T4_POLICIES, 1, T4_POLICIES.length));
        }
        for (String m : T5_MODELS) {
            bold(cases, TABLE5, m + " ", java.util.Arrays.copyOfRange(T4_POLICIES, 1, T4_POLICIES.length));
        }
        return cases;
    }

    static void bold(List<Case> cases, PrintedTable t, String prefix, String[] group) {
        for (String column : t.columns()) {
            for (String p : group) {
                Cell b = t.cell(prefix + p, column);
                if (!b.bold()) {
                    continue;
                }
                Cell best = null;
                for (String q : group) {
                    Cell x = t.cell(prefix + q, column);
                    if (x != b && (best == null || x.value() < best.value())) {
                        best = x;
                    }
                }
                cases.add(Case.of(String.format(Locale.ROOT, "bold %s %s; lowest other %s %s", b.where(), b.printed(), best.row(), best.printed()),
                        best.value() - b.value(), b.rounding() + best.rounding()));
            }
        }
    }
}
