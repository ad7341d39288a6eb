package org.gradreg.trainer.data;

import java.nio.file.Path;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.common.registry.Registry;

/**
 * Data sets by name, with options after a colon: {@code synthetic} (5000/1000 images of 32×32, 10
 * classes), {@code synthetic:train=N,test=M,classes=C,size=S}, {@code synthetic-small} (2000/500),
 * {@code cifar10}, {@code cifar100}, {@code cifar100-coarse}, {@code fashion-mnist} (60000/10000
 * greyscale 28×28, 10 classes) and {@code fashion-mnist:train=N,test=M} (seeded class-stratified
 * subsets, see {@link FashionMnist}). {@link #REGISTRY} is the one list: {@code --dataset}'s help,
 * its "known: …" messages and docs/registries.md come from it.
 */
public final class Datasets {

    private Datasets() {
    }

    public static final Registry<DatasetFactory> REGISTRY = new Registry<DatasetFactory>("dataset",
            Entry.<DatasetFactory>of("synthetic", "CIFAR-shaped procedural images (a grating orientation, frequency and colour per class), generated from the seed",
                    DatasetFactory.of((a, dir, seed) -> SyntheticCifar.generate(a.count("train"), a.count("test"), a.count("classes"),
                                    a.count("size"), seed),
                            (a, dir) -> new DatasetShape(a.count("train"), a.count("test"), a.count("classes"), 3, a.count("size"))),
                    Key.integer("train", (long) SyntheticCifar.DEFAULT_TRAIN, Range.atLeast(1), "training images"),
                    Key.integer("test", (long) SyntheticCifar.DEFAULT_TEST, Range.atLeast(1), "test images"),
                    Key.integer("classes", 10L, Range.atLeast(2), "classes"),
                    Key.integer("size", 32L, Range.atLeast(4), "image side")).example("train=64,test=16,classes=3,size=8"),
            Entry.<DatasetFactory>of("synthetic-small", "the synthetic set with 2000/500 images of 32x32, 10 classes",
                    DatasetFactory.of((a, dir, seed) -> SyntheticCifar.generate(2000, 500, 10, 32, seed),
                            (a, dir) -> new DatasetShape(2000, 500, 10, 3, 32))),
            Entry.<DatasetFactory>of("cifar10", "CIFAR-10, binary version (cifar-10-batches-bin), 50000/10000 images, 10 classes",
                    DatasetFactory.of((a, dir, seed) -> Cifar.cifar10(dir), (a, dir) -> Cifar.shape(dir, "cifar10", 10))),
            Entry.<DatasetFactory>of("cifar100", "CIFAR-100, binary version (cifar-100-binary), fine labels (100 classes)",
                    DatasetFactory.of((a, dir, seed) -> Cifar.cifar100(dir, Cifar.Labels.FINE), (a, dir) -> Cifar.shape(dir, "cifar100", 100))),
            Entry.<DatasetFactory>of("cifar100-coarse", "CIFAR-100 with its 20 coarse (superclass) labels",
                    DatasetFactory.of((a, dir, seed) -> Cifar.cifar100(dir, Cifar.Labels.COARSE),
                            (a, dir) -> Cifar.shape(dir, "cifar100-coarse", 20))),
            Entry.<DatasetFactory>of("fashion-mnist", "Fashion-MNIST, 60000/10000 greyscale 28x28 images, 10 classes (Debian's dataset-fashion-mnist)",
                    DatasetFactory.of((a, dir, seed) -> FashionMnist.load(dir, a.given("train") ? a.count("train") : 0,
                                    a.given("test") ? a.count("test") : 0, seed),
                            (a, dir) -> FashionMnist.shape(dir, a.given("train") ? a.count("train") : 0, a.given("test") ? a.count("test") : 0)),
                    Key.optionalInteger("train", Range.closed(1, FashionMnist.TRAIN_SIZE), "a seeded class-stratified training subset"),
                    Key.optionalInteger("test", Range.closed(1, FashionMnist.TEST_SIZE), "a seeded class-stratified test subset"))
                    .example("train=1000,test=500"))
            .alias("cifar-10", "cifar10")
            .alias("cifar-100", "cifar100")
            .keysCalled("option");

    /**
     * @param name  a data set of {@link #REGISTRY}, with options after a colon
     * @param dir   the CIFAR or Fashion-MNIST directory (ignored for synthetic; null for Fashion-MNIST:
     *              {@link FashionMnist#DEFAULT_DIR})
     * @param seed  the synthetic set's seed, and the seed of Fashion-MNIST subsets
     */
    public static DataSplit load(String name, Path dir, long seed) {
        Registry.Parsed<DatasetFactory> p = REGISTRY.parseNamed(name);
        return p.factory().load(p.args(), dir, seed);
    }

    /**
     * The shape of data set {@code name} ({@link DatasetFactory#shape}: from its options and at most
     * its files' presence and sizes, without reading the images); a set known by name whose files
     * are not there is a {@link MissingDataFiles} carrying the shape it will have.
     */
    public static DatasetShape shape(String name, Path dir, long seed) {
        Registry.Parsed<DatasetFactory> p = REGISTRY.parseNamed(name);
        return p.factory().shape(p.args(), dir, seed);
    }
}
