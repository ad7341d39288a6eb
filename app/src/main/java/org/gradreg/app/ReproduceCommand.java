package org.gradreg.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradreg reproduce}: the main job on built-in defaults, no downloads. Runs what gradreg
 * can reproduce so far and writes an index of the results.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run gradreg's reproductions on built-in defaults (no downloads) and write the results under --out.")
final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/reproduce")
    Path out;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--trainer-epochs", description = "Epochs of the small training comparison (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int trainerEpochs;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        StringBuilder index = new StringBuilder("# gradreg reproduce\n\n");

        System.err.println("reproduce: [1/3] claims ledger");
        Path ledger = out.resolve("verify");
        List<org.gradreg.theory.ClaimResult> claims = org.gradreg.theory.ClaimsLedger.verify(ledger, line -> System.err.println("  " + line));
        index.append("## Claims ledger\n\n[claims.md](verify/claims.md) ([JSON](verify/claims.json)): every claim gradreg checks, ")
                .append("with the computed verdict and its evidence.\n\n| claim | paper | reference | verdict |\n|---|---|---|---|\n");
        for (org.gradreg.theory.ClaimResult c : claims) {
            index.append("| ").append(c.id()).append(" | ").append(c.paper()).append(" | ").append(c.reference()).append(" | ")
                    .append(c.verdict()).append(" |\n");
        }
        index.append('\n');

        System.err.println("reproduce: [2/3] optimizer comparison on the built-in MLP problem");
        List<OptimizerComparison.Row> rows = OptimizerComparison.run(seed, line -> System.err.println("  " + line));
        OptimizerComparison.write(rows, out);
        index.append("## Optimizers\n\nEvery update rule and estimator of `optim` on one built-in problem: [optimizers.md](optimizers.md) ")
                .append("([CSV](optimizers.csv)).\n\n").append(OptimizerComparison.markdown(rows)).append('\n');

        System.err.println("reproduce: [3/3] small training comparison (vit-nano, synthetic data): no GR, GR, zero-warmup GR");
        index.append("## Training: GR and its warmup on a small ViT\n\n")
                .append(TrainerComparison.run(out.resolve("trainer"), seed, trainerEpochs, line -> System.err.println("  " + line)))
                .append('\n');

        double minutes = (System.nanoTime() - t0) / 6e10;
        index.append(String.format(java.util.Locale.ROOT, "%nTotal time: %.1f min.%n", minutes));
        Path indexFile = out.resolve("index.md");
        Files.writeString(indexFile, index.toString());
        System.out.println(OptimizerComparison.markdown(rows));
        System.out.println("reproduce: wrote " + indexFile.toAbsolutePath());
        return 0;
    }
}
