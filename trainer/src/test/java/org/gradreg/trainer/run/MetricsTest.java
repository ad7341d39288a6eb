package org.gradreg.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics codec: lines as the trainer has always written them decode and encode back to the same bytes. */
class MetricsTest {

    @TempDir
    Path dir;

    /** Lines of each type as written by earlier versions (a GR step, a GNR step with NaN r/α/λ, an Adam step with ψ, …). */
    static final List<String> LINES = List.of(
            "{\"type\":\"step\",\"step\":0,\"epoch\":0,\"loss\":1.386294960975647,\"grad_norm\":0.8365773823912305,\"lr\":0.0,\"r\":0.1,"
                    + "\"alpha\":0.8,\"lambda\":0.08000000000000002,\"evals\":2}",
            "{\"type\":\"step\",\"step\":0,\"epoch\":0,\"loss\":1.386294960975647,\"grad_norm\":0.8365773823912305,\"lr\":0.0,\"r\":\"NaN\","
                    + "\"alpha\":\"NaN\",\"lambda\":\"NaN\",\"gnr_rho\":0.1,\"gnr_alpha\":0.1,\"evals\":4}",
            "{\"type\":\"step\",\"step\":1,\"epoch\":0,\"loss\":1.386294960975647,\"grad_norm\":0.6630760704809615,\"lr\":0.0015,\"r\":\"NaN\","
                    + "\"alpha\":\"NaN\",\"lambda\":\"NaN\",\"rho\":0.05,\"evals\":2,\"psi_mean\":497150.63161233003,\"psi_var\":4.913699196324532E13}",
            "{\"type\":\"epoch\",\"epoch\":1,\"step\":4,\"train_loss\":1.384947031736374,\"train_error\":0.703125,\"test_loss\":1.3846099376678467,"
                    + "\"test_error\":0.71875,\"mean_grad_norm\":0.7389240201357712,\"lr\":0.002799038105676658,\"time_s\":0.51713205}",
            "{\"type\":\"diverged\",\"step\":7,\"message\":\"training stopped at step 7 (epoch 2): non-finite values\"}");

    @Test
    void everyKindOfLineRoundTripsToTheSameBytes() throws Exception {
        for (String line : LINES) {
            assertEquals(line + "\n", Metrics.encode(Metrics.decode(line)), line);
        }
        Metrics.Step s = (Metrics.Step) Metrics.decode(LINES.get(1));
        assertTrue(Double.isNaN(s.values().get("r")), "NaN written as a string reads back as NaN");
        assertEquals(0.1, s.values().get("gnr_rho"));
        assertNull(s.psiMean(), "no ψ for a rule without an adaptive rate");
        assertEquals(4.913699196324532E13, ((Metrics.Step) Metrics.decode(LINES.get(2))).psiVar());
        assertEquals(0.703125, ((Metrics.Epoch) Metrics.decode(LINES.get(3))).trainError());
        assertInstanceOf(Metrics.Diverged.class, Metrics.decode(LINES.get(4)));
    }

    @Test
    void theWriterAppendsAndReadSkipsBlankAndUnknownLines() throws Exception {
        Path f = dir.resolve(RunDir.METRICS);
        try (Metrics.Writer w = new Metrics.Writer(f)) {
            for (String line : LINES) {
                w.append(Metrics.decode(line));
            }
            assertEquals(Files.size(f), w.sync());
        }
        assertEquals(String.join("\n", LINES) + "\n", Files.readString(f));
        Files.writeString(f, Files.readString(f) + "\n{\"type\":\"future\",\"x\":1}\n");
        assertEquals(LINES.size(), Metrics.read(f).size());
        Metrics.truncate(f, LINES.get(0).length() + 1);
        assertEquals(1, Metrics.read(f).size());
    }

    @Test
    void aDamagedLineIsNamedByItsNumber() throws Exception {
        Path f = dir.resolve(RunDir.METRICS);
        Files.writeString(f, LINES.get(0) + "\n" + LINES.get(3).substring(0, 30) + "\n");
        Metrics.Damaged d = assertThrows(Metrics.Damaged.class, () -> Metrics.read(f));
        assertEquals(2, d.lineNumber());
        assertTrue(d.getMessage().startsWith(f + " line 2 is damaged ("), d.getMessage());
    }

    /** Issue 22 item 10: a metrics append that fails as a full disk does names the file. */
    @Test
    void aFullDiskWhileAppendingNamesTheFile() throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        java.nio.channels.FileChannel real = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileChannel full = new FullDisk(real);
        try (Metrics.Writer w = new Metrics.Writer(full, f)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> w.append(new Metrics.Diverged(3, "x")));
            assertTrue(e.getMessage().startsWith("could not write " + f + ": No space left on device (the file system of "), e.getMessage());
            e = assertThrows(java.io.IOException.class, w::sync);
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
    }

    /** A channel whose writes and syncs fail with ENOSPC's message; the rest goes to a real channel. */
    private static final class FullDisk extends java.nio.channels.FileChannel {
        private final java.nio.channels.FileChannel c;

        FullDisk(java.nio.channels.FileChannel c) {
            this.c = c;
        }

        private static java.io.IOException enospc() {
            return new java.io.IOException("No space left on device");
        }

        @Override public int read(java.nio.ByteBuffer d) throws java.io.IOException { return c.read(d); }
        @Override public long read(java.nio.ByteBuffer[] d, int o, int l) throws java.io.IOException { return c.read(d, o, l); }
        @Override public int write(java.nio.ByteBuffer s) throws java.io.IOException { throw enospc(); }
        @Override public long write(java.nio.ByteBuffer[] s, int o, int l) throws java.io.IOException { throw enospc(); }
        @Override public long position() throws java.io.IOException { return c.position(); }
        @Override public java.nio.channels.FileChannel position(long p) throws java.io.IOException { c.position(p); return this; }
        @Override public long size() throws java.io.IOException { return c.size(); }
        @Override public java.nio.channels.FileChannel truncate(long s) throws java.io.IOException { c.truncate(s); return this; }
        @Override public void force(boolean m) throws java.io.IOException { throw enospc(); }
        @Override public long transferTo(long p, long n, java.nio.channels.WritableByteChannel t) throws java.io.IOException { return c.transferTo(p, n, t); }
        @Override public long transferFrom(java.nio.channels.ReadableByteChannel s, long p, long n) throws java.io.IOException { throw enospc(); }
        @Override public int read(java.nio.ByteBuffer d, long p) throws java.io.IOException { return c.read(d, p); }
        @Override public int write(java.nio.ByteBuffer s, long p) throws java.io.IOException { throw enospc(); }
        @Override public java.nio.MappedByteBuffer map(MapMode m, long p, long s) throws java.io.IOException { return c.map(m, p, s); }
        @Override public java.nio.channels.FileLock lock(long p, long s, boolean sh) throws java.io.IOException { return c.lock(p, s, sh); }
        @Override public java.nio.channels.FileLock tryLock(long p, long s, boolean sh) throws java.io.IOException { return c.tryLock(p, s, sh); }
        @Override protected void implCloseChannel() throws java.io.IOException { c.close(); }
    }
}
