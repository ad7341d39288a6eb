package org.gradreg.toy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gradreg.toy.Output;
import org.gradreg.toy.Reproduction;
import org.gradreg.toy.ToyResult;
import org.gradreg.toy.Toys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradreg toy NAME|--all}: the 1-D/2-D reproductions and small experiments, each a PNG + CSV + summary. */
@Command(name = "toy", mixinStandardHelpOptions = true, resourceBundle = "org.gradreg.toy.cli.ToyHelp",
        description = "Run a toy reproduction (or all of them) and write its figures and CSVs under --out/NAME.")
public final class ToyCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", descriptionKey = "name", description = "The toy to run (see the toy registry).")
    String name;

    @Option(names = "--all", description = "Run every reproduction.")
    boolean all;

    @Option(names = "--quick", description = "Smaller sizes (fewer seeds and steps): seconds instead of minutes.")
    boolean quick;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/toy")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (all == (name != null)) {
            throw new ParameterException(spec.commandLine(), "give either a toy name or --all; known: " + Toys.REGISTRY.names());
        }
        Reproduction toy = null;
        if (!all) {
            try {
                toy = Toys.byName(name);
            } catch (IllegalArgumentException e) { // a bad name is bad input: exit 2 (issue 22 item 16), not a failure
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        List<ToyResult> results = runAll(all ? Toys.all() : List.of(toy), out, quick);
        for (ToyResult r : results) {
            System.out.println(r);
        }
        return 0;
    }

    /** Runs {@code toys} into {@code out/NAME/} and writes {@code out/summary.md}; progress on stderr. */
    public static List<ToyResult> runAll(List<Reproduction> toys, Path out, boolean quick) throws Exception {
        List<ToyResult> results = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Toy reproductions\n\n");
        int i = 0;
        for (Reproduction r : toys) {
            i++;
            long t0 = System.nanoTime();
            String tag = String.format(Locale.ROOT, "toy [%d/%d] %s", i, toys.size(), r.name());
            System.err.println(tag + ": " + r.title());
            ToyResult res = r.run(out.resolve(r.name()), quick, line -> System.err.println("  " + line));
            double s = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "%s done in %.1f s%n", tag, s);
            results.add(res);
            md.append("## ").append(r.name()).append(": ").append(r.title()).append("\n\n");
            res.summary().forEach(line -> md.append("- ").append(line).append('\n'));
            md.append('\n');
            for (String f : res.files()) {
                md.append(f.endsWith(".png") ? "![" + f + "](" + r.name() + "/" + f + ")\n" : "[" + f + "](" + r.name() + "/" + f + ") ");
            }
            md.append(String.format(Locale.ROOT, "%n%n(%.1f s)%n%n", s));
        }
        Output.text(out.resolve("summary.md"), md.toString());
        return results;
    }
}
