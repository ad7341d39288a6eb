package org.gradreg.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Data sets by name through the registry: options, defaults, aliases and the messages for bad names. */
class DatasetsTest {

    @Test
    void syntheticOptionsAndDefaults() {
        DataSplit s = Datasets.load("synthetic:train=12,test=5,classes=3,size=8", null, 4);
        assertEquals(12, s.train().size());
        assertEquals(5, s.test().size());
        assertEquals(3, s.train().classes());
        assertEquals(8, s.train().height());
        // the options written out are the defaults: the same images as the bare name
        DataSplit bare = Datasets.load("synthetic", null, 2);
        DataSplit written = Datasets.load("Synthetic:train=5000,test=1000,classes=10,size=32", null, 2);
        assertArrayEquals(bare.train().pixels(), written.train().pixels());
        assertArrayEquals(bare.test().labels(), written.test().labels());
        DataSplit small = Datasets.load("synthetic-small", null, 2);
        assertEquals(2000, small.train().size());
        assertEquals(500, small.test().size());
    }

    @Test
    void badNamesAndOptionsAreOneLineErrorsNamingTheSpec() {
        assertEquals("unknown dataset 'imagenet'; known: [cifar10, cifar100, cifar100-coarse, fashion-mnist, synthetic, synthetic-small]",
                assertThrows(IllegalArgumentException.class, () -> Datasets.load("imagenet", null, 0)).getMessage());
        assertEquals("dataset 'synthetic:classes=1': synthetic: classes=1 is out of range; classes must be in [2, inf)",
                assertThrows(IllegalArgumentException.class, () -> Datasets.load("synthetic:classes=1", null, 0)).getMessage());
        assertEquals("dataset 'cifar-10:x=1': unknown cifar10 option 'x'; known: none",
                assertThrows(IllegalArgumentException.class, () -> Datasets.load("cifar-10:x=1", null, 0)).getMessage());
        assertEquals("dataset 'synthetic-small:train=3': unknown synthetic-small option 'train'; known: none",
                assertThrows(IllegalArgumentException.class, () -> Datasets.load("synthetic-small:train=3", null, 0)).getMessage());
    }

    /** Every set reports the shape its loaded split has, without loading it. */
    @Test
    void setsReportTheShapeTheirLoadedSplitsHave() {
        for (String spec : new String[] {"synthetic:train=12,test=5,classes=3,size=8", "synthetic-small"}) {
            var p = Datasets.REGISTRY.parseNamed(spec);
            assertEquals(DatasetShape.of(Datasets.load(spec, null, 1)), p.factory().shape(p.args(), null, 1), spec);
        }
        if (java.nio.file.Files.isDirectory(FashionMnist.DEFAULT_DIR)) {
            for (String spec : new String[] {"fashion-mnist", "fashion-mnist:train=1000,test=500"}) {
                var p = Datasets.REGISTRY.parseNamed(spec);
                assertEquals(DatasetShape.of(Datasets.load(spec, null, 1)), p.factory().shape(p.args(), null, 1), spec);
            }
        }
    }

    /** Fashion-MNIST's shape needs its four files to be there, not their images: empty files give the shape, and fail to load. */
    @Test
    void fashionMnistsShapeReadsNoImages(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        for (String f : new String[] {FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS}) {
            java.nio.file.Files.createFile(dir.resolve(f));
        }
        var p = Datasets.REGISTRY.parseNamed("fashion-mnist:test=20");
        assertEquals(new DatasetShape(60000, 20, 10, 1, 28), p.factory().shape(p.args(), dir, 0));
        assertThrows(DataFormatException.class, () -> Datasets.load("fashion-mnist", dir, 0));
        java.nio.file.Files.delete(dir.resolve(FashionMnist.TEST_LABELS));
        assertThrows(DataFormatException.class, () -> p.factory().shape(p.args(), dir, 0));
    }
}
