package org.gradreg.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.Json;

/**
 * Pre-registration: which grid spec a run was made from, as {@value #FILE} in its directory. The
 * spec is identified by the SHA-256 of its bytes; the commit is the git commit whose tree holds the
 * file exactly as it is ({@code git rev-parse HEAD} when {@code git status --porcelain} shows the
 * file unmodified and it is tracked), else {@value #UNCOMMITTED}. A report compares the runs'
 * hashes with the spec it is given: runs of another hash are another experiment.
 *
 * @param file   the spec's path as given
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 * @param commit the clean commit holding it, or {@value #UNCOMMITTED}
 */
public record SpecRecord(String file, String sha256, String commit) {

    /** The record's file in a run directory. */
    public static final String FILE = "grid-spec.json";

    /** The commit of a spec not in a git tree, or modified or untracked there. */
    public static final String UNCOMMITTED = "uncommitted";

    /** The record of the spec file as it is now. */
    public static SpecRecord of(Path spec) throws IOException {
        return new SpecRecord(spec.toString(), sha256(Files.readAllBytes(spec)), commit(spec));
    }

    /** The record of spec bytes that are not a file of a git tree (e.g. a resource of the command line). */
    public static SpecRecord ofBytes(String name, byte[] bytes) {
        return new SpecRecord(name, sha256(bytes), UNCOMMITTED);
    }

    /** The first 12 hex digits of the hash: how a report names a spec. */
    public String shortHash() {
        return sha256.substring(0, 12);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HEAD when the file is tracked and unmodified in its git tree, else {@value #UNCOMMITTED} (also without git). */
    static String commit(Path spec) {
        Path dir = spec.toAbsolutePath().getParent();
        String name = spec.getFileName().toString();
        String tracked = git(dir, "ls-files", "--error-unmatch", "--", name);
        String status = git(dir, "status", "--porcelain", "--", name);
        String head = git(dir, "rev-parse", "HEAD");
        return tracked != null && status != null && status.isBlank() && head != null && head.strip().matches("[0-9a-f]{40}")
                ? head.strip() : UNCOMMITTED;
    }

    /** git's standard output, or null when it fails or is missing. */
    private static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Writes the record into run directory {@code dir} (created if missing). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("sha256", sha256);
        m.put("commit", commit);
        AtomicFiles.writeString(dir.resolve(FILE), Json.pretty(m));
    }

    /** The record in run directory {@code dir}; null when there is none (a run of an earlier version or not from a grid). */
    public static SpecRecord read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n = Json.mapper().readTree(f.toFile());
        String hash = n.path("sha256").asText("");
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IOException(f + " holds no SHA-256");
        }
        return new SpecRecord(n.path("file").asText(""), hash, n.path("commit").asText(UNCOMMITTED));
    }
}
