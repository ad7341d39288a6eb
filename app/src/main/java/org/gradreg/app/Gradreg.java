package org.gradreg.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The gradreg command line. */
@Command(name = "gradreg", mixinStandardHelpOptions = true, version = "gradreg 0.1.0",
        description = "Gradient-regularization research toolkit: optimizers, claims ledger, toys, training.",
        subcommands = {ReproduceCommand.class, org.gradreg.theory.cli.VerifyCommand.class, org.gradreg.toy.cli.ToyCommand.class,
                org.gradreg.trainer.cli.TrainCommand.class,
                org.gradreg.trainer.cli.GridCommand.class, org.gradreg.trainer.cli.ReportCommand.class, org.gradreg.trainer.cli.HessianCommand.class,
                CompareCommand.class, BenchCommand.class, CheckDeviceCommand.class})
public final class Gradreg implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, show the stack trace too (also GRADREG_DEBUG=1).")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with gradreg's error handling (one line, exit code 2 for bad input, 1 for failures). */
    public static CommandLine commandLine() {
        return org.gradreg.trainer.cli.Cli.install(new CommandLine(new Gradreg()).setCaseInsensitiveEnumValuesAllowed(true));
    }

    public static void main(String[] args) {
        // JavaCPP's own messages through SLF4J (Logback's configuration filters them), not straight to stderr
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        System.exit(org.gradreg.trainer.cli.Cli.execute(commandLine(), args));
    }
}
