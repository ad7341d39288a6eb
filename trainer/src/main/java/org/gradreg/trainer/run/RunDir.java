package org.gradreg.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gradreg.optim.Params;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.gradreg.trainer.config.ConfigJson;
import org.gradreg.trainer.config.TrainConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run directory: owns the paths of its files ({@value #CONFIG}, {@value #METRICS},
 * {@value #CHECKPOINT} and the one before it, {@value #PREVIOUS}, {@value #RESULT},
 * {@value #HESSIAN}, {@value #LOCK}) and reads and writes each through its type
 * ({@link TrainConfig}, {@link Metrics}, {@link Checkpoint}, {@link RunResult},
 * {@link HessianResult}); the checks before a start or a resume; the lock that keeps a second
 * process out; reading a checkpoint, falling back to the previous one when the latest is damaged.
 * Every file but the append-only metrics is written atomically.
 */
public final class RunDir {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String PREVIOUS = "checkpoint.prev.zip";
    /** Where a damaged latest checkpoint is moved on fallback, so the next checkpoint cannot push it over the good previous one. */
    public static final String DAMAGED = "checkpoint.damaged.zip";
    public static final String RESULT = "result.json";
    public static final String HESSIAN = "hessian.json";
    public static final String LOCK = "lock";
    /** One {@link RunEnvironment} per start or resume, oldest first. */
    public static final String ENVIRONMENT = "environment.json";

    private final Path dir;

    public RunDir(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path checkpoint() {
        return dir.resolve(CHECKPOINT);
    }

    public Path previousCheckpoint() {
        return dir.resolve(PREVIOUS);
    }

    public Path result() {
        return dir.resolve(RESULT);
    }

    public Path hessian() {
        return dir.resolve(HESSIAN);
    }

    public Path environment() {
        return dir.resolve(ENVIRONMENT);
    }

    /** Every start's environment so far (empty for runs made before it was recorded). */
    public List<RunEnvironment> readEnvironments() throws IOException {
        if (!Files.exists(environment())) {
            return List.of();
        }
        try {
            return List.of(Json.mapper().readValue(environment().toFile(), RunEnvironment[].class));
        } catch (IOException | RuntimeException e) {
            throw new IOException(environment() + " is damaged: " + BadInput.messageOf(e), e);
        }
    }

    /** Adds this start's environment to {@value #ENVIRONMENT} (atomically; a damaged file is replaced by a list of this entry, with a line on {@code log}). */
    public void recordEnvironment(RunEnvironment e, PrintStream log) throws IOException {
        List<RunEnvironment> all = new ArrayList<>();
        try {
            all.addAll(readEnvironments());
        } catch (IOException damaged) {
            log.println("gradreg train: " + damaged.getMessage() + "; starting it again with this start");
        }
        all.add(e);
        AtomicFiles.writeString(environment(), Json.pretty(all));
    }

    public Path lockFile() {
        return dir.resolve(LOCK);
    }

    /** Whether the directory holds a finished run ({@value #RESULT}). */
    public boolean finished() {
        return Files.isRegularFile(result());
    }

    /** Whether the directory holds anything of a run (config, metrics, a checkpoint or a result). */
    public boolean holdsRun() {
        return Files.exists(config()) || Files.exists(metrics()) || Files.exists(checkpoint()) || Files.exists(previousCheckpoint())
                || finished();
    }

    /**
     * The saved configuration, or null when there is none; one in the flat form of earlier versions
     * is converted ({@link ConfigJson#read}); a damaged one is a {@link BadInput} naming the file.
     */
    public TrainConfig readConfig() {
        if (!Files.isRegularFile(config())) {
            return null;
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(config().toFile());
        } catch (java.io.FileNotFoundException e) { // what Jackson reports for a file it may not read
            throw new BadInput(Files.isReadable(config()) ? config() + " is damaged: " + BadInput.messageOf(e)
                    : "permission denied reading " + config() + "; its owner can run chmod -R go+rX on the run");
        } catch (IOException e) {
            throw new BadInput(config() + " is damaged: " + BadInput.messageOf(e));
        }
        return ConfigJson.read(n, config() + " (edited by hand or damaged)");
    }

    public RunResult readResult() throws IOException {
        try {
            return Json.mapper().readValue(result().toFile(), RunResult.class);
        } catch (IOException e) {
            throw new IOException(result() + " is damaged: " + BadInput.messageOf(e), e);
        }
    }

    public void writeConfig(TrainConfig cfg) throws IOException {
        AtomicFiles.writeString(config(), Json.pretty(cfg));
    }

    public void writeResult(RunResult r) throws IOException {
        AtomicFiles.writeString(result(), Json.pretty(r));
    }

    /** The lines of the metrics file; a damaged line is a {@link Metrics.Damaged}. */
    public List<Metrics.Line> readMetrics() throws IOException {
        return Metrics.read(metrics());
    }

    /** What {@code gradreg hessian} measured, or null when it has not run here. */
    public HessianResult readHessian() throws IOException {
        if (!Files.exists(hessian())) {
            return null;
        }
        try {
            return Json.mapper().readValue(hessian().toFile(), HessianResult.class);
        } catch (IOException e) {
            throw new IOException(hessian() + " is damaged: " + BadInput.messageOf(e), e);
        }
    }

    public void writeHessian(HessianResult h) throws IOException {
        AtomicFiles.writeString(hessian(), Json.pretty(h));
    }

    /**
     * Checks, without writing, that a run of {@code cfg} may start here: a directory holding a run
     * needs {@code resume} (with the same settings; the message lists only the fields that differ)
     * or {@code overwrite}; a checkpoint without its {@value #CONFIG} cannot be resumed.
     */
    public void checkStart(TrainConfig cfg, boolean resume, boolean overwrite) {
        if (overwrite || !holdsRun()) {
            return;
        }
        if (!resume) {
            throw new BadInput(dir + " holds a " + (finished() ? "finished" : "started") + " run; use --resume to continue it or --overwrite "
                    + "to delete it and start afresh");
        }
        TrainConfig saved = readConfig();
        if (saved == null) {
            throw new BadInput("cannot resume " + dir + ": it has run files but no " + CONFIG + ", so its settings are unknown; use "
                    + "--overwrite to start afresh");
        }
        List<String> diff = saved.differences(cfg);
        if (!diff.isEmpty()) {
            throw new BadInput("cannot resume " + dir + ": settings differ from its " + CONFIG + " (saved → now): " + String.join("; ", diff));
        }
    }

    /** Deletes the run's files (for an explicit overwrite). */
    public void clear() throws IOException {
        for (Path p : List.of(result(), checkpoint(), previousCheckpoint(), dir.resolve(DAMAGED), metrics(), config(), environment())) {
            Files.deleteIfExists(p);
        }
    }

    /** Removes temporary files of killed writes; returns them. */
    public List<Path> removeLeftovers() throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Path p : List.of(checkpoint(), config(), result(), hessian(), environment())) {
            removed.addAll(AtomicFiles.removeLeftovers(p));
        }
        return removed;
    }

    // ---- checkpoints ----

    /**
     * Writes a checkpoint of the model, the optimizer state and {@code meta}, keeping the one it
     * replaces as {@value #PREVIOUS}.
     */
    public void writeCheckpoint(Params params, Map<String, INDArray> statistics, Map<String, INDArray> optimizerState, Checkpoint.Meta meta)
            throws IOException {
        Checkpoint.write(checkpoint(), previousCheckpoint(), params, statistics, optimizerState, meta);
    }

    /**
     * The latest readable checkpoint: {@value #CHECKPOINT}, or {@value #PREVIOUS} with a warning
     * naming both when the latest is damaged or missing (a damaged latest is moved to {@value #DAMAGED});
     * null when there is none. Both damaged, or a damaged latest with no previous, is a
     * {@link BadInput} (exit 2) naming the files.
     */
    public Checkpoint readCheckpoint(PrintStream log) throws IOException {
        Path latest = checkpoint();
        Path prev = previousCheckpoint();
        String why;
        if (Files.exists(latest)) {
            try {
                return Checkpoint.read(latest);
            } catch (IOException | RuntimeException e) {
                why = latest + " is damaged (" + BadInput.messageOf(e) + ")";
            }
        } else {
            why = latest + " is missing";
        }
        if (!Files.exists(prev)) {
            if (Files.exists(latest)) {
                throw new BadInput(why + " and there is no previous checkpoint " + prev + "; use --overwrite to start afresh");
            }
            return null;
        }
        Checkpoint c;
        try {
            c = Checkpoint.read(prev);
        } catch (IOException | RuntimeException e) {
            throw new BadInput("both checkpoints are damaged: " + why + ", and " + prev + " (" + BadInput.messageOf(e) + "); use --overwrite to start afresh", e);
        }
        if (Files.exists(latest)) {
            // issue 22 item 1: otherwise the next checkpoint renames the damaged latest over the only good one
            Path damaged = dir.resolve(DAMAGED);
            Files.move(latest, damaged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            why = why + ", moved to " + damaged;
        }
        log.println("gradreg: warning: " + why + "; continuing from the previous checkpoint " + prev);
        return c;
    }

    // ---- the lock ----

    /** Who holds a run directory. */
    public record Holder(String host, long pid, String since) {

        @Override
        public String toString() {
            return "host " + host + ", pid " + pid + ", since " + since;
        }

        /** Whether the holder is a live process: true/false on this host, null on another host (not checkable here). */
        public Boolean alive() {
            if (!host.equals(RunDir.host())) {
                return null;
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /** {@link #toString} with what can be said about the holder (issue 22 item 7). */
        public String describe() {
            Boolean a = alive();
            return this + (a == null ? " (another host: not checkable from " + RunDir.host() + "; if that job is gone, delete the lock file)"
                    : a ? " (running)" : " (process gone: a stale lock, taken over by the next run)");
        }
    }

    /** Another process holds the run. */
    public static final class Held extends IOException {

        private final Holder holder;

        Held(Path dir, Holder holder) {
            super(dir + " is held by " + holder.describe() + "; skipped");
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** The lock held by this process; {@link #close} releases it. */
    public final class Lock implements AutoCloseable {

        private final String content;

        private Lock(String content) {
            this.content = content;
        }

        @Override
        public void close() throws IOException {
            try {
                if (content.equals(Files.readString(lockFile()))) {
                    Files.deleteIfExists(lockFile());
                }
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
    }

    /**
     * Takes the run's lock file ({@value #LOCK}: host, pid, since), creating the directory. A lock of
     * a dead process on this host is taken over (with a line on {@code log}); a live one (or one of
     * another host) is a {@link Held}.
     */
    public Lock lock(PrintStream log) throws IOException {
        Files.createDirectories(dir);
        Holder me = new Holder(host(), ProcessHandle.current().pid(), Instant.now().toString());
        String content = Json.mapper().writeValueAsString(me);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(content)) {
                return new Lock(content);
            }
            Holder h = holder();
            if (h == null) {
                continue; // removed meanwhile, or being written: retry
            }
            if (Boolean.FALSE.equals(h.alive())) {
                log.println("gradreg: taking over the stale lock of " + dir + " (" + h + ": no such process)");
                Files.deleteIfExists(lockFile());
                continue;
            }
            throw new Held(dir, h);
        }
        throw new Held(dir, holder() == null ? new Holder("?", -1, "?") : holder());
    }

    /** The lock's holder, or null when there is no (readable) lock. */
    public Holder holder() {
        try {
            JsonNode n = Json.mapper().readTree(Files.readString(lockFile()));
            return new Holder(n.path("host").asText(), n.path("pid").asLong(), n.path("since").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean create(String content) throws IOException {
        // the content goes into a temporary file first, then becomes the lock by a hard link (atomic, complete)
        Path tmp = Files.createTempFile(dir, LOCK, ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.createLink(lockFile(), tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException e) {
                try {
                    Files.writeString(lockFile(), content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    return true;
                } catch (FileAlreadyExistsException e2) {
                    return false;
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** This host's name as locks record it. */
    public static String host() {
        String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        int at = name.indexOf('@');
        if (at >= 0 && at < name.length() - 1) {
            return name.substring(at + 1);
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
