package org.gradreg.theory.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gradreg.theory.ClaimsLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gradreg verify}: compute the claims ledger. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the papers' quantitative claims and write the claims ledger (claims.json, claims.md).")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/verify")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        ClaimsLedger.verify(out, line -> System.err.println("verify " + line));
        System.out.printf("verify: ledger computed in %.1f s; wrote %s and claims.md%n", (System.nanoTime() - t0) / 1e9,
                out.resolve("claims.json").toAbsolutePath());
        return 0;
    }
}
