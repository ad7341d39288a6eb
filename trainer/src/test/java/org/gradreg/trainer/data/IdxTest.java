package org.gradreg.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on small generated files, plain and gzipped, and its one-line errors. */
class IdxTest {

    @TempDir
    Path dir;

    /** The bytes of an IDX file written by hand: magic, big-endian dimensions, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : concat(magic, dims)) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static int[] concat(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(bo)) {
            z.write(b);
        }
        return bo.toByteArray();
    }

    /** 3 images of 2×4: bytes 200, 201, …, 223 (above 127 from the start, to catch sign errors). */
    private static byte[] pixels() {
        byte[] p = new byte[3 * 2 * 4];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (200 + i);
        }
        return p;
    }

    private Path write(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static String message(Path f, int rank) {
        return assertThrows(DataFormatException.class, () -> Idx.read(f, rank, "test")).getMessage();
    }

    private static void oneLineNaming(String msg, Path f) {
        assertTrue(msg.contains(f.toString()), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void magicNumbersAreTheFormatsOnes() {
        // IDX: 0x00 0x00, type 0x08 (unsigned byte), rank
        assertEquals(2049, Idx.magic(1));
        assertEquals(2051, Idx.magic(3));
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] content = idx(0x803, new int[] {3, 2, 4}, pixels());
        for (Path f : new Path[] {write("a-idx3-ubyte", content), write("a-idx3-ubyte.gz", gzip(content)),
                write("gzipped-without-suffix", gzip(content))}) {
            Idx.Contents c = Idx.read(f, 3, "test");
            assertArrayEquals(new int[] {3, 2, 4}, c.dims());
            assertArrayEquals(pixels(), c.data());
            assertEquals(200 + 23 - 256, c.data()[23]);
        }
        byte[] labels = {9, 0, 3, 7};
        Idx.Contents l = Idx.read(write("l.gz", gzip(idx(0x801, new int[] {4}, labels))), 1, "test");
        assertArrayEquals(new int[] {4}, l.dims());
        assertArrayEquals(labels, l.data());
        // an empty data set is a valid IDX file
        assertEquals(0, Idx.read(write("empty", idx(0x803, new int[] {0, 28, 28}, new byte[0])), 3, "test").data().length);
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nothing-here.gz");
        String msg = message(f, 3);
        oneLineNaming(msg, f);
        assertTrue(msg.contains("not found"), msg);
    }

    @Test
    void aWrongMagicNumberIsReportedWithBothNumbers() throws IOException {
        Path labelsForImages = write("labels.gz", gzip(idx(0x801, new int[] {3}, new byte[3])));
        String msg = message(labelsForImages, 3);
        oneLineNaming(msg, labelsForImages);
        assertTrue(msg.contains("0x00000801") && msg.contains("0x00000803") && msg.contains("label file"), msg);
        Path imagesForLabels = write("images", idx(0x803, new int[] {3, 2, 4}, pixels()));
        msg = message(imagesForLabels, 1);
        assertTrue(msg.contains("0x00000803") && msg.contains("0x00000801") && msg.contains("image file"), msg);
        Path floats = write("floats", idx(0x0D03, new int[] {1, 1, 1}, new byte[4]));
        msg = message(floats, 3);
        assertTrue(msg.contains("0x00000D03") && msg.contains("data type 0x0D"), msg);
        Path text = write("text.gz", gzip("<html>not found</html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        msg = message(text, 3);
        oneLineNaming(msg, text);
        assertTrue(msg.contains("wrong magic number") && msg.contains("not an IDX file"), msg);
    }

    @Test
    void aTruncatedFileIsReportedWithDeclaredAndActualSizes() throws IOException {
        byte[] content = idx(0x803, new int[] {3, 2, 4}, pixels());
        byte[] cut = Arrays.copyOf(content, content.length - 5);
        for (Path f : new Path[] {write("cut", cut), write("cut.gz", gzip(cut))}) {
            String msg = message(f, 3);
            oneLineNaming(msg, f);
            // 3×2×4 = 24 data bytes declared, 19 present
            assertTrue(msg.contains("truncated") && msg.contains("3×2×4 = 24") && msg.contains("after 19"), msg);
        }
        Path header = write("header", Arrays.copyOf(content, 10));
        String msg = message(header, 3);
        assertTrue(msg.contains("truncated") && msg.contains("header"), msg);
        Path tiny = write("tiny", new byte[] {0, 0});
        msg = message(tiny, 3);
        assertTrue(msg.contains("truncated") && msg.contains("2 bytes"), msg);
        // the compressed stream itself cut short, in the data or in the 8-byte trailer
        byte[] gz = gzip(content);
        for (int keep : new int[] {gz.length / 2, gz.length - 3}) {
            Path f = write("cut-stream-" + keep + ".gz", Arrays.copyOf(gz, keep));
            msg = message(f, 3);
            oneLineNaming(msg, f);
            assertTrue(msg.contains("truncated"), msg);
        }
    }

    @Test
    void aFileLongerThanItsHeaderDeclaresIsReported() throws IOException {
        byte[] content = idx(0x803, new int[] {3, 2, 4}, Arrays.copyOf(pixels(), 25));
        for (Path f : new Path[] {write("long", content), write("long.gz", gzip(content))}) {
            String msg = message(f, 3);
            oneLineNaming(msg, f);
            assertTrue(msg.contains("too long") && msg.contains("16 + 24"), msg);
        }
    }

    @Test
    void aGzNameWithoutGzipContentIsReported() throws IOException {
        Path unpacked = write("images.gz", idx(0x803, new int[] {3, 2, 4}, pixels()));
        String msg = message(unpacked, 3);
        oneLineNaming(msg, unpacked);
        assertTrue(msg.contains("not gzip") && msg.contains("00 00 08 03") && msg.contains("without .gz"), msg);
        Path empty = write("empty.gz", new byte[0]);
        msg = message(empty, 3);
        assertTrue(msg.contains("not gzip") && msg.contains("empty"), msg);
        Path corrupt = write("corrupt.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3});
        msg = message(corrupt, 3);
        oneLineNaming(msg, corrupt);
        assertTrue(msg.contains("gzip"), msg);
    }
}
