package org.gradreg.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @AfterEach
    void noHook() {
        AtomicFiles.hook(null);
    }

    private long tmpFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    @Test
    void writesAndReplacesWithoutLeavingTemporaries() throws IOException {
        Path f = dir.resolve("sub/a.json");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        assertEquals(0, tmpFiles());
    }

    @Test
    void aFailureBeforeTheRenameLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "old");
        AtomicFiles.hook((tmp, target) -> {
            throw new IOException("disk full (injected)");
        });
        assertThrows(IOException.class, () -> AtomicFiles.writeString(f, "new"));
        assertEquals("old", Files.readString(f));
        assertEquals(0, tmpFiles());
    }

    @Test
    void keepsThePreviousFile() throws IOException {
        Path f = dir.resolve("c.zip");
        Path prev = dir.resolve("c.prev.zip");
        AtomicFiles.writeKeepingPrevious(f, prev, o -> o.write(1));
        assertFalse(Files.exists(prev));
        AtomicFiles.writeKeepingPrevious(f, prev, o -> o.write(2));
        AtomicFiles.writeKeepingPrevious(f, prev, o -> o.write(3));
        assertEquals(3, Files.readAllBytes(f)[0]);
        assertEquals(2, Files.readAllBytes(prev)[0]);
    }

    @Test
    void removesLeftoversOfKilledWritesOnly() throws IOException {
        Path f = dir.resolve("checkpoint.zip");
        Files.writeString(f, "x");
        Files.writeString(dir.resolve("checkpoint.zip123.tmp"), "partial");
        Files.writeString(dir.resolve("other.json456.tmp"), "keep");
        List<Path> removed = AtomicFiles.removeLeftovers(f);
        assertEquals(List.of(dir.resolve("checkpoint.zip123.tmp")), removed);
        assertTrue(Files.exists(f));
        assertTrue(Files.exists(dir.resolve("other.json456.tmp")));
    }

    @Test
    void writesThroughAPathWithTheGivenSuffix() throws IOException {
        Path f = dir.resolve("fig.png");
        AtomicFiles.writeVia(f, ".png", tmp -> {
            assertTrue(tmp.getFileName().toString().endsWith(".png"));
            Files.writeString(tmp, "png");
        });
        assertEquals("png", Files.readString(f));
    }

    /** Issue 22 item 9: a collaborator must be able to read what was written, as the umask allows. */
    @Test
    void writtenFilesHaveTheUmasksPermissionsNot0600() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain.txt")); // the umask's mode
        Path written = dir.resolve("written.txt");
        AtomicFiles.writeString(written, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        Path kept = dir.resolve("kept.bin");
        AtomicFiles.writeKeepingPrevious(kept, dir.resolve("kept.prev.bin"), out -> out.write(1));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(kept));
    }

    /** Issue 22 item 10: a full disk while writing names the file and what to do; the old file stays, no temporary is left. */
    @Test
    void aFullDiskNamesTheFileAndKeepsTheOldOne() throws IOException {
        Path f = dir.resolve("result.json");
        AtomicFiles.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[3 << 20]); // past the buffer, so the failure comes from a real write as well as from here
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().startsWith("could not write " + f + ": No space left on device (the file system of " + dir
                + " is full or over quota"), e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(0, tmpFiles());
    }
}
