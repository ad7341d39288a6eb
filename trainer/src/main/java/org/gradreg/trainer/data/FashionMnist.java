package org.gradreg.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist):
 * 60 000 training and 10 000 test greyscale 28×28 images of 10 classes of clothing, balanced
 * (6000 and 1000 per class), as four IDX files (see {@link Idx}):
 * <ul>
 *   <li>{@code train-images-idx3-ubyte.gz}: magic 0x00000803, 60000 × 28 × 28;</li>
 *   <li>{@code train-labels-idx1-ubyte.gz}: magic 0x00000801, 60000 labels in [0, 10);</li>
 *   <li>{@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}: the same for 10000.</li>
 * </ul>
 * Debian's package {@code dataset-fashion-mnist} installs them in {@link #DEFAULT_DIR}, used when no
 * directory is given. Uncompressed files of the same names without {@code .gz} are used when
 * present (they are preferred to the {@code .gz} ones, which need not exist then). A missing,
 * truncated, too long, wrong-magic, wrong-shape or non-gzip file, an impossible label or image and
 * label files that disagree on the number of images raise a {@link DataFormatException} with a
 * one-line message naming the file.
 *
 * <p><b>Normalisation.</b> One channel, {@link #MEAN} and {@link #STD}: the mean and the
 * (population) standard deviation of all 47 040 000 training pixels on the [0, 1] scale,
 * 0.286041 and 0.353024, computed from the installed training file with numpy independently of
 * this class (the test set's are 0.286849 and 0.352444), rounded to 4 digits like the CIFAR
 * constants.
 *
 * <p><b>Augmentation</b> ({@link Augmentation#MNIST_STYLE}): pad 4 pixels with value 0, random
 * 28×28 crop, <em>no horizontal flip</em>. Zero padding rather than CIFAR's reflection, because
 * the images are objects on a black background (half of all pixels are exactly 0, the corner pixel
 * in 99.98% of the images), and every image reaches into the outer 4-pixel frame, so reflection
 * would mirror sleeves and soles into the border, while zero padding is a plain translation of the
 * object on its background. No flips, because of what they would add: no class is the mirror image
 * of another, so a flip would not corrupt a label, but the data set is photographed in fixed poses.
 * The seven garment and bag classes are nearly mirror-symmetric (a class-mean image differs from
 * its mirror image by 6-9% of its mass, trousers 24%), so for them a flip makes almost no new
 * image; the three footwear classes all point the same way (the mass is on the right half in 92%
 * of the sandals, 99.4% of the sneakers and 100% of the ankle boots of the training set, 92%,
 * 99.7% and 99.9% of the test set's; mean-image asymmetry 58-99%), so for them a flip makes
 * images of a pose the test set (almost) never shows. Flips would thus spend capacity on a distribution shift and not on the test
 * distribution, and translation (the crop) is the augmentation left. The crop draws from the
 * seeded per-batch stream of {@link Batches}, so it is reproducible and resumable.
 *
 * <p><b>Subsets</b> ({@link #load(Path, int, int, long)}): a seeded, class-stratified choice of
 * images, see {@link Dataset#stratifiedSubset(int, long)}; the normalisation stays that of the
 * whole training set.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** How to get the files, for messages. */
    public static final String INSTALL_HINT = "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) "
            + "or pass the directory holding the four IDX files with --data";

    /** Training-set mean and standard deviation of the one channel on the [0, 1] scale (see the class comment). */
    public static final float[] MEAN = {0.2860f};
    public static final float[] STD = {0.3530f};

    public static final int TRAIN_SIZE = 60000;
    public static final int TEST_SIZE = 10000;
    public static final int SIDE = 28;
    public static final int CLASSES = 10;
    /** Class names by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    private FashionMnist() {
    }

    /** The whole data set from {@code dir} ({@link #DEFAULT_DIR} if null). */
    public static DataSplit load(Path dir) {
        return load(dir, 0, 0, 0);
    }

    /**
     * @param dir    the directory of the four files ({@link #DEFAULT_DIR} if null)
     * @param train  training images to keep, a seeded class-stratified subset (0: all 60000)
     * @param test   test images to keep, likewise (0: all 10000)
     * @param seed   seed of the subsets (the test subset uses a stream of its own)
     */
    public static DataSplit load(Path dir, int train, int test, long seed) {
        check(train, TRAIN_SIZE, "train");
        check(test, TEST_SIZE, "test");
        Path d = dir == null ? DEFAULT_DIR : dir;
        if (!Files.isDirectory(d)) {
            throw new DataFormatException("Fashion-MNIST directory " + d + " not found: " + INSTALL_HINT);
        }
        Dataset tr = read("fashion-mnist/train", d, TRAIN_IMAGES, TRAIN_LABELS, TRAIN_SIZE, "training");
        Dataset te = read("fashion-mnist/test", d, TEST_IMAGES, TEST_LABELS, TEST_SIZE, "test");
        if (train > 0) {
            tr = tr.stratifiedSubset(train, seed);
        }
        if (test > 0) {
            te = te.stratifiedSubset(test, Batches.mix(seed, 0x7e57L, 0));
        }
        return new DataSplit(tr, te);
    }

    /**
     * The shape of {@link #load}'s result without reading the images: 1×28×28, 10 classes, the
     * subset sizes (0: all); checks that the directory and the four files are there (their contents
     * are checked when loaded).
     */
    public static DatasetShape shape(Path dir, int train, int test) {
        check(train, TRAIN_SIZE, "train");
        check(test, TEST_SIZE, "test");
        Path d = dir == null ? DEFAULT_DIR : dir;
        if (!Files.isDirectory(d)) {
            throw new DataFormatException("Fashion-MNIST directory " + d + " not found: " + INSTALL_HINT);
        }
        locate(d, TRAIN_IMAGES, "training images");
        locate(d, TRAIN_LABELS, "training labels");
        locate(d, TEST_IMAGES, "test images");
        locate(d, TEST_LABELS, "test labels");
        return new DatasetShape(train > 0 ? train : TRAIN_SIZE, test > 0 ? test : TEST_SIZE, CLASSES, 1, SIDE);
    }

    private static void check(int n, int max, String key) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("fashion-mnist " + key + "=" + n + " is outside 1.." + max + " (0 or absent: all)");
        }
    }

    /** {@code name} without {@code .gz} if that file exists, else {@code name}; missing both is an error naming both. */
    static Path locate(Path dir, String gzName, String what) {
        String plain = gzName.substring(0, gzName.length() - ".gz".length());
        Path raw = dir.resolve(plain);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(gzName);
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DataFormatException("Fashion-MNIST " + what + " file " + gz + " not found (nor " + plain + "): " + INSTALL_HINT);
    }

    private static Dataset read(String name, Path dir, String imagesName, String labelsName, int expected, String split) {
        String imagesWhat = "Fashion-MNIST " + split + " images";
        String labelsWhat = "Fashion-MNIST " + split + " labels";
        Path imagesFile = locate(dir, imagesName, split + " images");
        Path labelsFile = locate(dir, labelsName, split + " labels");
        Idx.Contents images = Idx.read(imagesFile, 3, imagesWhat);
        Idx.Contents labels = Idx.read(labelsFile, 1, labelsWhat);
        int n = images.dims()[0];
        if (images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
            throw new DataFormatException(String.format(Locale.ROOT, "%s file %s holds images of %d×%d, expected %d×%d",
                    imagesWhat, imagesFile, images.dims()[1], images.dims()[2], SIDE, SIDE));
        }
        if (labels.dims()[0] != n) {
            throw new DataFormatException(String.format(Locale.ROOT,
                    "%s file %s has %d labels but the images file %s has %d images: the files do not belong together",
                    labelsWhat, labelsFile, labels.dims()[0], imagesFile, n));
        }
        if (n != expected) {
            throw new DataFormatException(String.format(Locale.ROOT,
                    "%s file %s has %d images, expected %d: not the Fashion-MNIST %s set (training and test files swapped?)",
                    imagesWhat, imagesFile, n, expected, split));
        }
        byte[] lab = labels.data();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = lab[i] & 0xff;
            if (out[i] >= CLASSES) {
                throw new DataFormatException(String.format(Locale.ROOT, "%s file %s: label %d of image %d is outside [0, %d)",
                        labelsWhat, labelsFile, out[i], i, CLASSES));
            }
        }
        return new Dataset(name, images.data(), out, CLASSES, 1, SIDE, SIDE, MEAN.clone(), STD.clone(), Augmentation.MNIST_STYLE);
    }
}
