package org.gradreg.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fashion-MNIST reader on generated IDX files in the official layout (right and each kind of
 * wrong), its subsets and augmentation, and one check of the real files when Debian's
 * dataset-fashion-mnist is installed.
 */
class FashionMnistTest {

    @TempDir
    Path dir;

    /** Label of generated image {@code i}: every class equally often ((7i + 3) mod 10, 7 coprime to 10). */
    static int label(int i) {
        return (7 * i + 3) % 10;
    }

    /**
     * Generated image {@code i} of {@code rows×cols}: pixel 0 = i mod 256, pixel 1 = ⌊i/256⌋ mod 256
     * (so the image identifies itself), last pixel = 25·label + 1 (it carries its label), rest 0.
     */
    static byte[] images(int n, int rows, int cols) {
        int b = rows * cols;
        byte[] p = new byte[n * b];
        for (int i = 0; i < n; i++) {
            p[i * b] = (byte) i;
            p[i * b + 1] = (byte) (i >>> 8);
            p[i * b + b - 1] = (byte) (25 * label(i) + 1);
        }
        return p;
    }

    static byte[] labels(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) label(i);
        }
        return l;
    }

    private static byte[] trainImagesGz;
    private static byte[] trainLabelsGz;
    private static byte[] testImagesGz;
    private static byte[] testLabelsGz;

    /** The four files, generated once per test class (gzip of mostly zeros: small and fast). */
    private static synchronized void generate() throws IOException {
        if (trainImagesGz == null) {
            trainImagesGz = IdxTest.gzip(IdxTest.idx(0x803, new int[] {60000, 28, 28}, images(60000, 28, 28)));
            trainLabelsGz = IdxTest.gzip(IdxTest.idx(0x801, new int[] {60000}, labels(60000)));
            testImagesGz = IdxTest.gzip(IdxTest.idx(0x803, new int[] {10000, 28, 28}, images(10000, 28, 28)));
            testLabelsGz = IdxTest.gzip(IdxTest.idx(0x801, new int[] {10000}, labels(10000)));
        }
    }

    private void files(Path d) throws IOException {
        generate();
        Files.createDirectories(d);
        Files.write(d.resolve("train-images-idx3-ubyte.gz"), trainImagesGz);
        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), trainLabelsGz);
        Files.write(d.resolve("t10k-images-idx3-ubyte.gz"), testImagesGz);
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), testLabelsGz);
    }

    private String error(Path d) {
        String msg = assertThrows(DataFormatException.class, () -> FashionMnist.load(d)).getMessage();
        assertFalse(msg.contains("\n"), msg);
        return msg;
    }

    /** The id that generated image {@code k} of {@code s} carries in its first two pixels. */
    private static int id(Dataset s, int k) {
        int b = s.imageBytes();
        return (s.pixels()[k * b] & 0xff) | (s.pixels()[k * b + 1] & 0xff) << 8;
    }

    @Test
    void readsGeneratedFilesInTheOfficialLayout() throws IOException {
        files(dir);
        DataSplit s = FashionMnist.load(dir);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(10, s.classes());
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            assertEquals(1, d.channels());
            assertEquals(28, d.height());
            assertEquals(28, d.width());
            assertSame(Augmentation.MNIST_STYLE, d.augmentation());
            assertArrayEquals(new float[] {0.2860f}, d.mean());
            assertArrayEquals(new float[] {0.3530f}, d.std());
        }
        // image 12345: label (7·12345 + 3) mod 10 = 86418 mod 10 = 8; pixels 12345 = 0x3039
        assertEquals(8, s.train().labels()[12345]);
        assertEquals(0x39, s.train().pixels()[12345 * 784] & 0xff);
        assertEquals(0x30, s.train().pixels()[12345 * 784 + 1] & 0xff);
        assertEquals(201, s.train().pixels()[12345 * 784 + 783] & 0xff);
        assertEquals(0, s.train().pixels()[12345 * 784 + 400]);
        // test image 9999: label 69996 mod 10 = 6, last pixel 151
        assertEquals(6, s.test().labels()[9999]);
        assertEquals(151, s.test().pixels()[9999 * 784 + 783] & 0xff);
        assertEquals("fashion-mnist/train", s.train().name());
    }

    @Test
    void uncompressedFilesOfTheSameNamesAreUsedWhenPresent() throws IOException {
        files(dir);
        byte[] other = images(10000, 28, 28);
        other[5 * 784 + 300] = 77;
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxTest.idx(0x803, new int[] {10000, 28, 28}, other));
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
        // with both present, the uncompressed one is read: a broken .gz next to it does not matter
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxTest.idx(0x801, new int[] {10000}, labels(10000)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3});
        DataSplit s = FashionMnist.load(dir);
        assertEquals(77, s.test().pixels()[5 * 784 + 300]);
        assertEquals(label(77), s.test().labels()[77]);
    }

    @Test
    void aMissingDirectoryOrFileIsNamedWithHowToGetIt() throws IOException {
        Path none = dir.resolve("absent");
        String msg = error(none);
        assertTrue(msg.contains(none.toString()) && msg.contains("dataset-fashion-mnist") && msg.contains("--data"), msg);
        files(dir);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        msg = error(dir);
        assertTrue(msg.contains(dir.resolve("train-labels-idx1-ubyte.gz").toString()) && msg.contains("not found")
                && msg.contains("train-labels-idx1-ubyte)") && msg.contains("dataset-fashion-mnist"), msg);
    }

    @Test
    void aTruncatedFileIsNamed() throws IOException {
        files(dir);
        Path f = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(f, Arrays.copyOf(trainImagesGz, trainImagesGz.length - 1000));
        String msg = error(dir);
        assertTrue(msg.contains(f.toString()) && msg.contains("truncated"), msg);
        // a complete gzip stream of too few bytes: the declared size is named
        byte[] idx = IdxTest.idx(0x803, new int[] {10000, 28, 28}, images(10000, 28, 28));
        Path t = dir.resolve("t10k-images-idx3-ubyte.gz");
        Files.write(f, trainImagesGz);
        Files.write(t, IdxTest.gzip(Arrays.copyOf(idx, 16 + 9999 * 784)));
        msg = error(dir);
        assertTrue(msg.contains(t.toString()) && msg.contains("truncated") && msg.contains("7840000"), msg);
    }

    @Test
    void aWrongMagicNumberIsNamed() throws IOException {
        files(dir);
        Path f = dir.resolve("t10k-images-idx3-ubyte.gz");
        Files.write(f, testLabelsGz);
        String msg = error(dir);
        assertTrue(msg.contains(f.toString()) && msg.contains("0x00000801") && msg.contains("0x00000803"), msg);
    }

    @Test
    void aGzFileThatIsNotGzipIsNamed() throws IOException {
        files(dir);
        Path f = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.write(f, IdxTest.idx(0x801, new int[] {60000}, labels(60000)));
        String msg = error(dir);
        assertTrue(msg.contains(f.toString()) && msg.contains("not gzip"), msg);
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        files(dir);
        Path l = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.write(l, IdxTest.gzip(IdxTest.idx(0x801, new int[] {59999}, labels(59999))));
        String msg = error(dir);
        assertTrue(msg.contains(l.toString()) && msg.contains(dir.resolve("train-images-idx3-ubyte.gz").toString())
                && msg.contains("59999 labels") && msg.contains("60000 images"), msg);
    }

    @Test
    void theSizesAndShapesOfTheOfficialSetAreChecked() throws IOException {
        files(dir);
        // the test files in the training files' place
        Path f = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(f, testImagesGz);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), testLabelsGz);
        String msg = error(dir);
        assertTrue(msg.contains(f.toString()) && msg.contains("10000 images, expected 60000"), msg);
        // CIFAR-sized images
        files(dir);
        Files.write(f, IdxTest.gzip(IdxTest.idx(0x803, new int[] {60000, 32, 32}, new byte[60000 * 32 * 32])));
        msg = error(dir);
        assertTrue(msg.contains(f.toString()) && msg.contains("32×32") && msg.contains("28×28"), msg);
        // a label outside 0..9
        files(dir);
        byte[] l = labels(10000);
        l[5] = 10;
        Path lf = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Files.write(lf, IdxTest.gzip(IdxTest.idx(0x801, new int[] {10000}, l)));
        msg = error(dir);
        assertTrue(msg.contains(lf.toString()) && msg.contains("label 10 of image 5"), msg);
    }

    @Test
    void subsetsAreSeededClassStratifiedAndInDataOrder() throws IOException {
        files(dir);
        DataSplit s = Datasets.load("fashion-mnist:train=1000,test=100", dir, 3);
        assertEquals(1000, s.train().size());
        assertEquals(100, s.test().size());
        assertSame(Augmentation.MNIST_STYLE, s.train().augmentation());
        assertArrayEquals(FashionMnist.MEAN, s.train().mean());
        checkSubset(s.train(), 100);
        checkSubset(s.test(), 10);
        DataSplit again = Datasets.load("FASHION-MNIST:train=1000,test=100", dir, 3);
        assertArrayEquals(s.train().pixels(), again.train().pixels());
        assertArrayEquals(s.test().labels(), again.test().labels());
        DataSplit other = Datasets.load("fashion-mnist:train=1000,test=100", dir, 4);
        assertFalse(Arrays.equals(s.train().pixels(), other.train().pixels()));
        // 1005 of 60000 balanced: 100 per class and 5 left over, so 5 classes get 101
        Dataset odd = Datasets.load("fashion-mnist:train=1005", dir, 0).train();
        int[] counts = new int[10];
        for (int l : odd.labels()) {
            counts[l]++;
        }
        Arrays.sort(counts);
        assertArrayEquals(new int[] {100, 100, 100, 100, 100, 101, 101, 101, 101, 101}, counts);
        assertEquals(10000, Datasets.load("fashion-mnist:train=1005", dir, 0).test().size());
        assertEquals(60000, Datasets.load("fashion-mnist:test=10", dir, 0).train().size());
    }

    /** {@code perClass} images of each class, ids strictly increasing, each image carrying its own label. */
    private static void checkSubset(Dataset d, int perClass) {
        int[] counts = new int[10];
        int last = -1;
        for (int k = 0; k < d.size(); k++) {
            counts[d.labels()[k]]++;
            int i = id(d, k);
            assertTrue(i > last, "ids in data order");
            last = i;
            assertEquals(label(i), d.labels()[k]);
            assertEquals(25 * label(i) + 1, d.pixels()[k * 784 + 783] & 0xff);
        }
        for (int c : counts) {
            assertEquals(perClass, c, Arrays.toString(counts));
        }
    }

    @Test
    void badSubsetSpecsAreRefused() throws IOException {
        files(dir);
        for (String spec : new String[] {"fashion-mnist:train=0", "fashion-mnist:train=60001", "fashion-mnist:test=x",
                "fashion-mnist:size=5", "fashion-mnist:train"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.load(spec, dir, 0), spec);
            assertFalse(e.getMessage().isBlank());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Datasets.load("fashion-mnist:train=60001", dir, 0))
                .getMessage().contains("60000"));
        assertEquals("dataset 'fashion-mnist:size=5': unknown fashion-mnist option 'size'; known: [test, train]",
                assertThrows(IllegalArgumentException.class, () -> Datasets.load("fashion-mnist:size=5", dir, 0)).getMessage());
    }

    @Test
    void augmentationTranslatesOnAZeroBackgroundAndNeverFlips() {
        // one 28×28 image: background 0 and a single pixel of 255 at (row 5, column 6), which stays
        // inside the frame under every shift of up to 4 pixels
        byte[] px = new byte[784];
        px[5 * 28 + 6] = (byte) 255;
        Dataset d = new Dataset("one", px, new int[] {0}, 10, 1, 28, 28, FashionMnist.MEAN, FashionMnist.STD,
                Augmentation.MNIST_STYLE);
        float background = (0f - 0.2860f) / 0.3530f;
        float bright = (1f - 0.2860f) / 0.3530f;
        Batches b = Batches.training(d, 1, true, 11);
        boolean[][] seen = new boolean[9][9];
        for (int step = 0; step < 2000; step++) {
            float[] img = b.get(step, 0).images();
            int at = -1;
            for (int p = 0; p < 784; p++) {
                if (img[p] > 0) {
                    assertEquals(-1, at, "one bright pixel");
                    assertEquals(bright, img[p], 1e-5);
                    at = p;
                } else {
                    assertEquals(background, img[p], 1e-6);
                }
            }
            // a shift of at most 4 pixels each way; a mirrored image would put it near column 21
            int dy = at / 28 - 5;
            int dx = at % 28 - 6;
            assertTrue(Math.abs(dy) <= 4 && Math.abs(dx) <= 4, "pixel moved to " + at / 28 + "," + at % 28);
            seen[dy + 4][dx + 4] = true;
        }
        // all 81 shifts occur
        for (boolean[] row : seen) {
            for (boolean v : row) {
                assertTrue(v);
            }
        }
        // the same pixel on CIFAR's policy gets flipped sometimes
        Batches cifar = Batches.training(d.withAugmentation(Augmentation.CIFAR), 1, true, 11);
        boolean mirrored = false;
        for (int step = 0; step < 50 && !mirrored; step++) {
            float[] img = cifar.get(step, 0).images();
            for (int p = 0; p < 784; p++) {
                mirrored |= img[p] > 0 && p % 28 > 14;
            }
        }
        assertTrue(mirrored);
        // evaluation batches are the plain normalised image
        float[] plain = Batches.evaluation(d, 1).get(0, 0).images();
        assertEquals(bright, plain[5 * 28 + 6], 1e-5);
        assertEquals(background, plain[0], 1e-6);
    }

    @Test
    void zeroPaddingFillsTheBorderWithBackground() {
        // 1 channel 4×4, values 1..16, mean 0 std 1/255 so outputs are the byte values
        byte[] src = new byte[16];
        for (int i = 0; i < 16; i++) {
            src[i] = (byte) (i + 1);
        }
        float[] out = new float[16];
        Augmentation.crop(src, 0, 1, 4, 4, 2, Augmentation.Padding.ZERO, 0, 1, false, new float[] {0f}, new float[] {1f / 255f},
                out, 0);
        // shift down 2, right 1: row y of the output is row y−2 of the source, column x is column x−1
        float[] expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7};
        for (int i = 0; i < 16; i++) {
            assertEquals(expected[i], out[i], 1e-3, "pixel " + i);
        }
        Augmentation.crop(src, 0, 1, 4, 4, 2, Augmentation.Padding.ZERO, 4, 4, true, new float[] {0f}, new float[] {1f / 255f},
                out, 0);
        // shift up-left 2 then mirror: output (y, x) = source (y + 2, 5 − x) where that is inside
        float[] expected2 = {0, 0, 12, 11, 0, 0, 16, 15, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 16; i++) {
            assertEquals(expected2[i], out[i], 1e-3, "pixel " + i);
        }
    }

    /**
     * The real files, if installed: sizes, class balance and figures computed independently with
     * numpy. The system property {@code gradreg.fashionMnistDir} points it elsewhere (to check the
     * skip, give a directory without the files).
     */
    @Test
    void theInstalledDataSetMatchesIndependentlyComputedFigures() {
        String override = System.getProperty("gradreg.fashionMnistDir");
        Path real = override == null || override.isBlank() ? FashionMnist.DEFAULT_DIR : Path.of(override);
        boolean installed = true;
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            installed &= Files.isRegularFile(real.resolve(f + ".gz")) || Files.isRegularFile(real.resolve(f));
        }
        assumeTrue(installed, "Fashion-MNIST is not installed in " + real
                + " (Debian package dataset-fashion-mnist: apt-get install dataset-fashion-mnist); real-data check skipped");
        // no directory: the default one
        DataSplit s = Datasets.load("fashion-mnist", real.equals(FashionMnist.DEFAULT_DIR) ? null : real, 0);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        int[] trainCounts = new int[10];
        for (int l : s.train().labels()) {
            trainCounts[l]++;
        }
        int[] testCounts = new int[10];
        for (int l : s.test().labels()) {
            testCounts[l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, trainCounts[c]);
            assertEquals(1000, testCounts[c]);
        }
        // numpy on the decompressed files: the first labels, the pixel sums of single images and of all
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(s.train().labels(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(s.test().labels(), 10));
        assertEquals(76247, pixelSum(s.train(), 0, 1));
        assertEquals(16684, pixelSum(s.train(), 59999, 1));
        assertEquals(33456, pixelSum(s.test(), 0, 1));
        assertEquals(24390, pixelSum(s.test(), 9999, 1));
        assertEquals(3431114169L, pixelSum(s.train(), 0, 60000));
        assertEquals(573469082L, pixelSum(s.test(), 0, 10000));
        // numpy: training mean 0.28604060, population std 0.35302424; the constants are these to 4 digits
        float[][] stats = s.train().channelStatistics();
        assertEquals(0.28604060, stats[0][0], 1e-6);
        assertEquals(0.35302424, stats[1][0], 1e-6);
        assertEquals(0.28604060, FashionMnist.MEAN[0], 5e-5);
        assertEquals(0.35302424, FashionMnist.STD[0], 5e-5);
    }

    private static long pixelSum(Dataset d, int from, int count) {
        long sum = 0;
        for (int p = from * 784; p < (from + count) * 784; p++) {
            sum += d.pixels()[p] & 0xff;
        }
        return sum;
    }
}
