package org.gradreg.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.loop.OutOfMemory;
import org.gradreg.trainer.data.DataFormatException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * How the command line reports errors: one line {@code gradreg <command>: <message>} on stderr,
 * exit code 2 for bad input (an option picocli rejects, a {@link BadInput}, a damaged data file),
 * 4 for running out of memory and 1 for another failure during a run; {@code --debug} or {@code GRADREG_DEBUG=1} adds the stack
 * trace. Also {@code --config FILE}: a JSON object whose keys are a command's option names.
 */
public final class Cli {

    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a failure during a run. */
    public static final int FAILED = 1;
    /** Exit code for a run that ran out of memory ({@link OutOfMemory}, or an {@link OutOfMemoryError} anywhere); issue 22 item 8. */
    public static final int OUT_OF_MEMORY = 4;

    private Cli() {
    }

    /**
     * Installs the handlers on {@code cl} (and its subcommands); returns it. A repeated option takes
     * its last value, so that options can be appended to a common set.
     */
    public static CommandLine install(CommandLine cl) {
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(Cli::parameterError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        return cl;
    }

    private static int parameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(prefix(c) + parameterMessage(ex) + " (see " + prefix(c).replace(": ", "") + " --help)");
        if (debug(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    private static String parameterMessage(CommandLine.ParameterException ex) {
        String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (ex.getArgSpec() instanceof OptionSpec o && ex.getValue() != null && !msg.contains(o.longestName())) {
            msg = "invalid value for option '" + o.longestName() + "': '" + ex.getValue() + "' (" + msg + ")";
        }
        return oneLine(msg);
    }

    private static int executionError(Exception ex, CommandLine c, CommandLine.ParseResult parsed) {
        PrintWriter err = c.getErr();
        err.println(prefix(c) + (ex instanceof CommandLine.ParameterException p ? parameterMessage(p) : message(ex)));
        if (debug(parsed.originalArgs().toArray(String[]::new))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    /** The exit code of a failure {@code ex}: 2 for bad input, 4 for out of memory, else 1. */
    public static int exitCode(Throwable ex) {
        return badInput(ex) ? BAD_INPUT : ex instanceof OutOfMemory || OutOfMemory.find(ex) != null ? OUT_OF_MEMORY : FAILED;
    }

    /**
     * Runs {@code cl} on {@code args}; an {@link OutOfMemoryError} that escapes a command (picocli
     * passes Errors through) is one line and exit 4 too, not a stack trace.
     */
    public static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("gradreg: out of memory: " + OutOfMemory.what(e) + "; give the process more memory (Slurm --mem; "
                    + "JAVA_OPTS=-Xmx…)" + (debug(args) ? "" : " (--debug shows the stack trace)"));
            if (debug(args)) {
                e.printStackTrace();
            }
            return OUT_OF_MEMORY;
        }
    }

    /** Whether {@code ex} is bad input rather than a failure during a run. */
    public static boolean badInput(Throwable ex) {
        return ex instanceof BadInput || ex instanceof DataFormatException || ex instanceof CommandLine.ParameterException
                || ex instanceof java.nio.file.AccessDeniedException
                || ex instanceof org.gradreg.trainer.compute.DeviceUnavailableException;
    }

    private static String prefix(CommandLine c) {
        String q = c.getCommandSpec().qualifiedName();
        return (q.startsWith("gradreg") ? q : "gradreg " + q) + ": ";
    }

    private static boolean debug(String[] args) {
        return "1".equals(System.getenv("GRADREG_DEBUG")) || Arrays.asList(args).contains("--debug");
    }

    /** The message of {@code ex} on one line; the class name when it has none. */
    static String message(Throwable ex) {
        String m = ex.getMessage();
        if (ex instanceof java.nio.file.AccessDeniedException a) { // its message is the bare path
            return oneLine(permissionDenied(a));
        }
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName() + (ex.getCause() != null ? ": " + BadInput.messageOf(ex.getCause()) : "");
        } else if (!(ex instanceof BadInput) && !(ex instanceof IOException) && !(ex instanceof IllegalArgumentException)
                && !(ex instanceof IllegalStateException) && !(ex instanceof org.gradreg.trainer.compute.DeviceUnavailableException)
                && !(ex instanceof OutOfMemory)) {
            m = ex.getClass().getSimpleName() + ": " + m;
        }
        return oneLine(m);
    }

    /**
     * "permission denied: FILE (owner alice, mode rwx------): …": reading another user's runs that
     * were written under a umask such as 077 (issue 22 item 9, probed as another user).
     */
    static String permissionDenied(java.nio.file.AccessDeniedException a) {
        String f = a.getFile() == null ? String.valueOf(a.getMessage()) : a.getFile();
        String who = "";
        try {
            Path p = Path.of(f);
            who = " (owner " + Files.getOwner(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName() + ", mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    + ")";
        } catch (IOException | RuntimeException e) {
            // the owner and mode cannot be read either: the path alone
        }
        return "permission denied: " + f + who + (a.getReason() != null ? " (" + a.getReason() + ")" : "")
                + "; the files were written under a umask that keeps other users out (e.g. 077): their owner can run chmod -R go+rX on them";
    }

    private static String oneLine(String m) {
        return m.replaceAll("\\s*\\R\\s*", "; ").trim();
    }

    /**
     * Sets the options of {@code spec} that the command line did not give from the JSON object in
     * {@code file} (keys are option names, with or without the leading dashes). Unknown keys, and
     * values of the wrong type, are {@link BadInput}s naming the file and the key. Returns the
     * settings taken from the file, {@code key=value} (for messages about their ranges).
     */
    public static List<String> applyConfig(CommandSpec spec, Path file, Set<String> excluded) {
        List<String> taken = new ArrayList<>();
        JsonNode root;
        String fileName = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean yaml = fileName.endsWith(".yaml") || fileName.endsWith(".yml");
        String format = yaml ? "YAML" : "JSON";
        try {
            String text = Files.readString(file);
            root = yaml ? new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(text) : Json.mapper().readTree(text);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInput("config file " + file + " not found");
        } catch (IOException e) {
            throw new BadInput("config file " + file + " is not valid " + format + ": " + BadInput.messageOf(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInput("config file " + file + " must be a " + format + " mapping of option names to values");
        }
        if (root.path("run").isObject() && root.path("model").isObject()) {
            Path dir = file.toAbsolutePath().getParent();
            throw new BadInput("config file " + file + " is a run's recorded configuration (the config.json of a run directory), not a file of "
                    + "train's options; to make that run again: gradreg train --remake " + dir + " --out NEW_DIR");
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().startsWith("--") ? e.getKey() : "--" + e.getKey();
            OptionSpec o = spec.findOption(name);
            if (o == null || excluded.contains(name.substring(2)) || o.usageHelp() || o.versionHelp()) {
                Set<String> known = new TreeSet<>();
                for (OptionSpec k : spec.options()) {
                    String n = k.longestName().replaceFirst("^--", "");
                    if (!excluded.contains(n) && !k.usageHelp() && !k.versionHelp()) {
                        known.add(n);
                    }
                }
                throw new BadInput("config file " + file + ": unknown key '" + e.getKey() + "'; known: " + String.join(", ", known));
            }
            if (parsed != null && parsed.hasMatchedOption(o)) {
                continue; // the command line overrides the file
            }
            o.setValue(convert(o, e.getValue(), file, e.getKey()));
            taken.add(e.getKey() + "=" + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        }
        return taken;
    }

    private static Object convert(OptionSpec o, JsonNode v, Path file, String key) {
        Class<?> t = o.type();
        String where = "config file " + file + ": " + key + " = " + v;
        if (v.isNull()) {
            if (t.isPrimitive()) {
                throw new BadInput(where + ": needs a value");
            }
            return null;
        }
        try {
            if (t == boolean.class || t == Boolean.class) {
                if (!v.isBoolean()) {
                    throw new BadInput(where + ": must be true or false");
                }
                return v.booleanValue();
            }
            String s = v.isValueNode() ? v.asText() : v.toString();
            if (t == double.class || t == Double.class) {
                return Double.parseDouble(s);
            }
            if (t == int.class || t == Integer.class) {
                return Integer.parseInt(s);
            }
            if (t == long.class || t == Long.class) {
                return Long.parseLong(s);
            }
            if (t == Path.class) {
                return Path.of(s);
            }
            return s;
        } catch (NumberFormatException e) {
            throw new BadInput(where + ": not a number of the option's type (" + t.getSimpleName() + ")");
        }
    }
}
