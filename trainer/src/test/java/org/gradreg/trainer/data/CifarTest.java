package org.gradreg.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR binary readers on files in the official layout, and their error messages. */
class CifarTest {

    @TempDir
    Path dir;

    /** A file of {@code records} zero records (label 0, black image) with record {@code r} set to (label, pixel value). */
    private static void file(Path f, int records, int recordSize, int r, int[] labelBytes, int pixel) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength((long) records * recordSize);
            raf.seek((long) r * recordSize);
            for (int l : labelBytes) {
                raf.write(l);
            }
            byte[] px = new byte[Cifar.IMAGE_BYTES];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (pixel + i % 7);
            }
            raf.write(px);
        }
    }

    private void cifar10Files(Path d) throws IOException {
        Files.createDirectories(d);
        for (int i = 1; i <= 5; i++) {
            file(d.resolve("data_batch_" + i + ".bin"), 10000, Cifar.CIFAR10_RECORD, 3, new int[] {i}, 200);
        }
        file(d.resolve("test_batch.bin"), 10000, Cifar.CIFAR10_RECORD, 9999, new int[] {9}, 17);
    }

    @Test
    void readsCifar10InTheOfficialLayoutAlsoFromTheParentDirectory() throws IOException {
        cifar10Files(dir.resolve("cifar-10-batches-bin"));
        DataSplit s = Cifar.cifar10(dir);
        assertEquals(50000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(10, s.classes());
        // record 3 of data_batch_2 is image 10003, label 2
        assertEquals(2, s.train().labels()[10003]);
        assertEquals(0, s.train().labels()[10004]);
        assertEquals(200 & 0xff, s.train().pixels()[10003 * 3072] & 0xff);
        assertEquals((200 + 5) & 0xff, s.train().pixels()[10003 * 3072 + 5] & 0xff);
        assertEquals(9, s.test().labels()[9999]);
        assertEquals(17 + 3, s.test().pixels()[9999 * 3072 + 3]);
        assertArrayEquals(Cifar.CIFAR10_MEAN, s.train().mean());
    }

    @Test
    void readsCifar100FineAndCoarseLabels() throws IOException {
        file(dir.resolve("train.bin"), 50000, Cifar.CIFAR100_RECORD, 7, new int[] {19, 99}, 1);
        file(dir.resolve("test.bin"), 10000, Cifar.CIFAR100_RECORD, 0, new int[] {4, 42}, 2);
        DataSplit fine = Cifar.cifar100(dir, Cifar.Labels.FINE);
        DataSplit coarse = Cifar.cifar100(dir, Cifar.Labels.COARSE);
        assertEquals(100, fine.classes());
        assertEquals(20, coarse.classes());
        assertEquals(99, fine.train().labels()[7]);
        assertEquals(19, coarse.train().labels()[7]);
        assertEquals(42, fine.test().labels()[0]);
        assertEquals(4, coarse.test().labels()[0]);
        assertEquals(2 + 6, fine.test().pixels()[6]);
    }

    @Test
    void aMissingFileIsNamedWithItsExpectedSize() throws IOException {
        cifar10Files(dir);
        Files.delete(dir.resolve("data_batch_4.bin"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar.cifar10(dir));
        assertTrue(e.getMessage().contains("data_batch_4.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertTrue(e.getMessage().contains("30730000"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsNamedWithActualAndExpectedSizes() throws IOException {
        cifar10Files(dir);
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("test_batch.bin").toFile(), "rw")) {
            raf.setLength(30730000L - 100);
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar.cifar10(dir));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("30729900"), e.getMessage());
        assertTrue(e.getMessage().contains("30730000"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aWrongFormatFileIsReported() throws IOException {
        // CIFAR-100 files where CIFAR-10 ones are expected: wrong size
        file(dir.resolve("train.bin"), 50000, Cifar.CIFAR10_RECORD, 0, new int[] {1}, 0);
        file(dir.resolve("test.bin"), 10000, Cifar.CIFAR100_RECORD, 0, new int[] {1, 1}, 0);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar.cifar100(dir, Cifar.Labels.FINE));
        assertTrue(e.getMessage().contains("train.bin") && e.getMessage().contains("153700000"), e.getMessage());
        // right size, impossible label
        Path d10 = dir.resolve("c10");
        cifar10Files(d10);
        file(d10.resolve("data_batch_1.bin"), 10000, Cifar.CIFAR10_RECORD, 12, new int[] {200}, 0);
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> Cifar.cifar10(d10));
        assertTrue(e2.getMessage().contains("data_batch_1.bin") && e2.getMessage().contains("record 12")
                && e2.getMessage().contains("label 200"), e2.getMessage());
    }

    @Test
    void noDirectoryIsAClearError() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar.cifar10(null));
        assertTrue(e.getMessage().contains("--data"), e.getMessage());
    }
}
