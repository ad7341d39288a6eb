package org.gradreg.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probed as another user (issue 22 item 9): `report` on runs written under umask 077 said only
 * "gradreg report: runs077", exit 1. A denied read is bad input: one line naming the file, its
 * owner and mode and what to do, exit 2. (The tests run as root, who is never denied, so the
 * exception is made here as the JDK makes it.)
 */
class PermissionMessageTest {

    @TempDir
    Path dir;

    @Test
    void aDeniedReadNamesTheFileItsOwnerAndModeAndIsBadInput() throws Exception {
        Path runs = Files.createDirectory(dir.resolve("runs077"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        AccessDeniedException e = new AccessDeniedException(runs.toString());
        String m = Cli.message(e);
        String owner = Files.getOwner(runs).getName();
        assertTrue(m.startsWith("permission denied: " + runs + " (owner " + owner + ", mode rwx------); "), m);
        assertTrue(m.contains("chmod -R go+rX"), m);
        assertEquals(Cli.BAD_INPUT, Cli.exitCode(e));
    }
}
