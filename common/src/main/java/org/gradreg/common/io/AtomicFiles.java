package org.gradreg.common.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way gradreg writes a file: into a temporary file beside the target (named
 * {@code <target name><random>.tmp}), flushed to disk, then renamed over the target in one atomic
 * step. A reader (or a crash at any point) sees either the old file or the new one, never a part
 * of one. A temporary file left by a killed writer is removed by {@link #removeLeftovers}.
 *
 * <p>{@link #writeKeepingPrevious} also keeps the file it replaces under a second name, so that a
 * latest file that turns out damaged can be replaced by the one before it.
 */
public final class AtomicFiles {

    /** What writes the content of the temporary file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** What writes the temporary file through its path (for libraries that take a file name). */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path tmp) throws IOException;
    }

    /** A test hook run just before each rename (fault injection: throw to simulate a failed write). */
    @FunctionalInterface
    public interface Hook {
        void beforeRename(Path tmp, Path target) throws IOException;
    }

    private static volatile Hook hook;

    private AtomicFiles() {
    }

    /** Installs (or, with null, removes) the fault-injection hook; for tests. */
    public static void hook(Hook h) {
        hook = h;
    }

    /** Writes {@code text} (UTF-8) to {@code file} atomically, creating its directory. */
    public static void writeString(Path file, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(b));
    }

    /** Writes {@code file} atomically with {@code writer}, creating its directory. */
    public static void write(Path file, Writer writer) throws IOException {
        writeVia(file, ".tmp", tmp -> {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writer.write(os);
            }
        });
    }

    /**
     * Writes {@code file} atomically through a temporary file whose name ends in {@code suffix}
     * (e.g. {@code ".png"} for a library that adds a missing extension).
     */
    public static void writeVia(Path file, String suffix, PathWriter writer) throws IOException {
        commit(file, suffix, writer, null);
    }

    /**
     * Like {@link #write}, but first renames an existing {@code file} to {@code previous} (replacing
     * an older one there). After a crash at any point at least one of the two holds a complete file.
     */
    public static void writeKeepingPrevious(Path file, Path previous, Writer writer) throws IOException {
        commit(file, ".tmp", tmp -> {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writer.write(os);
            }
        }, previous);
    }

    private static void commit(Path file, String suffix, PathWriter writer, Path previous) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = newTemporary(dir, file.getFileName().toString(), suffix);
        try {
            try {
                writer.write(tmp);
                force(tmp);
            } catch (IOException e) {
                throw naming(file, e);
            }
            Hook h = hook;
            if (h != null) {
                h.beforeRename(tmp, file);
            }
            if (previous != null && Files.exists(file)) {
                move(file, previous);
            }
            move(tmp, file);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Issue 22 item 10: a failed write as an {@link IOException} that names {@code file} (the JDK's
     * "No space left on device" names none) and, for a full disk or quota, says what to do; the
     * file as it was before is untouched (the write went to a temporary beside it).
     */
    public static IOException naming(Path file, IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.contains(file.toString())) {
            return e;
        }
        String full = m.contains("No space left on device") || m.contains("Disk quota exceeded")
                ? " (the file system of " + file.toAbsolutePath().getParent() + " is full or over quota: free space there, or write elsewhere)"
                : "";
        return new IOException("could not write " + file + ": " + m + full, e);
    }

    /**
     * A new empty file {@code <name><random><suffix>} created with the process umask's permissions
     * (issue 22 item 9: {@link Files#createTempFile} makes it 0600, and the rename kept that mode).
     */
    private static Path newTemporary(Path dir, String name, String suffix) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(name + Long.toUnsignedString(RANDOM.nextLong()) + suffix);
            try {
                return Files.createFile(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the rename itself is still atomic
        }
    }

    /**
     * Removes temporary files a killed writer of {@code file} left behind ({@code <name>*.tmp} and
     * {@code <name>*<suffix>} temporaries beside it); returns the files removed.
     */
    public static List<Path> removeLeftovers(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        String name = file.getFileName().toString();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob(name) + "?*.tmp")) {
            for (Path p : s) {
                try {
                    if (Files.isRegularFile(p) && Files.deleteIfExists(p)) {
                        removed.add(p);
                    }
                } catch (NoSuchFileException ignored) {
                    // removed concurrently
                }
            }
        }
        return removed;
    }

    private static String glob(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
