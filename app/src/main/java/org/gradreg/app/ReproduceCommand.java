package org.gradreg.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gradreg.theory.ClaimResult;
import org.gradreg.theory.ClaimsLedger;
import org.gradreg.trainer.BadInput;
import org.gradreg.toy.Output;
import org.gradreg.toy.ToyResult;
import org.gradreg.toy.Toys;
import org.gradreg.toy.cli.ToyCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradreg reproduce}: the main job on built-in defaults, no downloads. The claims ledger,
 * every toy reproduction, the optimizer comparison and a small training comparison, with an index
 * ({@code index.md}) that states for each result what the paper says and what gradreg measured.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run gradreg's reproductions on built-in defaults (no downloads; about 10 minutes on 2 cores) and write them under --out.")
final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/reproduce")
    Path out;

    @Option(names = "--seed", description = "Seed of the optimizer and training comparisons (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--trainer-epochs", description = "Epochs of the small training comparison (default: the spec's 3 on Fashion-MNIST, "
            + "4 on the synthetic set; 1 with --quick).")
    Integer trainerEpochs;

    @Option(names = "--quick", description = "Quick toy sizes and one training epoch: a smoke test of the whole pipeline.")
    boolean quick;

    @Option(names = "--overwrite", description = "Replace the results of an earlier reproduce in --out (without it, a second reproduce "
            + "into the same folder is refused).")
    boolean overwrite;

    /** The epochs of the training comparison: --trainer-epochs, else 1 with --quick, else the spec's (real data) or 4. */
    static int epochs(Integer given, boolean quick, boolean real) {
        if (given != null) {
            if (given < 1) {
                throw new BadInput("--trainer-epochs must be at least 1, got " + given);
            }
            return given;
        }
        return quick ? 1 : real ? TrainerComparison.specEpochs() : 4;
    }

    @Override
    public Integer call() throws Exception {
        boolean real = TrainerComparison.realData();
        int epochs = epochs(trainerEpochs, quick, real);
        Path previous = out.resolve("index.md");
        if (Files.exists(previous) && !overwrite) { // issue 22 item 16: a second reproduce does not silently replace the first
            throw new BadInput(out + " already holds the results of a reproduce (" + previous + ", " + Files.getLastModifiedTime(previous)
                    + "); give another --out, or --overwrite to replace them");
        }
        TrainerComparison.check(seed, epochs, real, quick); // the training runs' settings, before anything runs
        if (!real) {
            System.err.println("reproduce: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); the training comparison uses the "
                    + "built-in synthetic set");
        }
        long t0 = System.nanoTime();
        StringBuilder index = new StringBuilder("# gradreg reproduce\n\n");
        index.append("Everything below was computed by `./gradreg reproduce` on this machine; nothing is written in by hand. ")
                .append("Each line: what the paper says, and what gradreg measured.\n\n");

        step(1, "claims ledger (as `gradreg verify`)");
        long t = System.nanoTime();
        List<ClaimResult> claims = ClaimsLedger.verify(out.resolve("verify"), line -> System.err.println("  " + line));
        index.append("## 1. Claims ledger\n\n[claims.md](verify/claims.md) ([JSON](verify/claims.json)), ").append(seconds(t)).append(".\n\n")
                .append("| claim | the paper says | verdict | measured (first figures of the evidence) |\n|---|---|---|---|\n");
        for (ClaimResult c : claims) {
            index.append("| ").append(c.id()).append(" (").append(c.reference()).append(") | ").append(c.statement().replace("|", "\\|"))
                    .append(" | **").append(c.verdict().label()).append("** | ").append(evidence(c).replace("|", "\\|")).append(" |\n");
        }
        index.append('\n');

        step(2, "toy reproductions (as `gradreg toy --all`)");
        t = System.nanoTime();
        List<ToyResult> toys = ToyCommand.runAll(Toys.all(), out.resolve("toy"), quick);
        index.append("## 2. Toy reproductions\n\nFigures, CSVs and details: [toy/summary.md](toy/summary.md), ").append(seconds(t)).append(".\n\n");
        for (int i = 0; i < toys.size(); i++) {
            ToyResult r = toys.get(i);
            index.append("### ").append(Toys.all().get(i).title()).append("\n\n");
            r.summary().forEach(line -> index.append("- ").append(line).append('\n'));
            r.files().stream().filter(f -> f.endsWith(".png")).forEach(f -> index.append("\n![").append(f).append("](toy/").append(r.name())
                    .append('/').append(f).append(")\n"));
            index.append('\n');
        }

        step(3, "optimizer comparison on the built-in MLP problem (as `gradreg compare`)");
        t = System.nanoTime();
        List<OptimizerComparison.Row> rows = OptimizerComparison.run(seed, line -> System.err.println("  " + line));
        OptimizerComparison.write(rows, out);
        index.append("## 3. Every optimizer on one problem\n\nEvery update rule and estimator of `optim`, one seed: [optimizers.md](optimizers.md) ")
                .append("([CSV](optimizers.csv)), ").append(seconds(t)).append(". Differences of ~1 point (%) in test error are within seed noise.\n\n")
                .append(OptimizerComparison.markdown(rows)).append('\n');

        step(4, "training comparison (" + (real ? "Fashion-MNIST, 3 seeds, linear baseline" : "synthetic data, one seed") + ", " + epochs
                + " epoch(s)): no GR, GR, zero-warmup GR");
        t = System.nanoTime();
        String training = TrainerComparison.run(out.resolve("trainer"), seed, epochs, real, quick,
                line -> System.err.println("  " + line));
        index.append("## 4. Training: GR and its warmup on a small ViT (").append(real ? "real data: Fashion-MNIST" : "synthetic data").append(")\n\n")
                .append("Harmful-GR paper (Tables 1-2): with Adam and LR warmup, GR can hurt and zero-warmup GR does best (ViT-Ti on CIFAR-10: ")
                .append("14.82 / 13.92 / 13.61 % for vanilla / GR / zero-warmup GR). Measured here in miniature, ").append(seconds(t)).append(":\n\n")
                .append(training)
                .append(real ? "\nA few dozen steps on a few thousand images: verdicts are given only when every setting beat a linear classifier "
                        + "on the same data and budget (the baseline band), paired over the seeds; the full miniature "
                        + "(5 seeds, RMSProp too, r- and λ-warmup) is docs/results/fmnist-harmful-gr.\n\n"
                        : "\nOne seed of a few-epoch toy run: it exercises the whole training pipeline and shows the gradient-norm curves, not the "
                        + "paper's effect size; `gradreg grid` + `gradreg report` run the real design (docs/experiments.md).\n\n");

        double minutes = (System.nanoTime() - t0) / 6e10;
        index.append(String.format(Locale.ROOT, "%nTotal time: %.1f min on %d cores.%n", minutes, Runtime.getRuntime().availableProcessors()));
        Path indexFile = out.resolve("index.md");
        Output.text(indexFile, index.toString());
        System.out.println("reproduce: wrote " + indexFile.toAbsolutePath() + String.format(Locale.ROOT, " (%.1f min)", minutes));
        return 0;
    }

    /** The counterexample of a failing claim, else its first three evidence entries. */
    private static String evidence(ClaimResult c) {
        if (c.counterexample() != null) {
            return "counterexample: " + c.counterexample();
        }
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (var e : c.evidence().entrySet()) {
            if (n++ == 3) {
                break;
            }
            Object v = e.getValue();
            String text = v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : ClaimsLedger.render(v);
            b.append(n > 1 ? "; " : "").append(e.getKey()).append(": ").append(text.length() > 120 ? text.substring(0, 117) + "..." : text);
        }
        return b.toString();
    }

    private static void step(int i, String what) {
        System.err.println("reproduce: [" + i + "/4] " + what);
    }

    private static String seconds(long t0) {
        return String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - t0) / 1e9);
    }
}
