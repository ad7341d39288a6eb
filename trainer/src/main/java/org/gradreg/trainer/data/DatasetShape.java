package org.gradreg.trainer.data;

/**
 * What a data set is, without its images: sizes of the two splits, classes and image shape. Each
 * registered set reports its own ({@link DatasetFactory#shape}), from its options and at most its
 * files' presence and sizes.
 *
 * @param train    training images
 * @param test     test images
 * @param classes  classes
 * @param channels image channels
 * @param image    image side
 */
public record DatasetShape(int train, int test, int classes, int channels, int image) {

    /** The shape of a loaded split. */
    public static DatasetShape of(DataSplit s) {
        return new DatasetShape(s.train().size(), s.test().size(), s.train().classes(), s.train().channels(), s.train().height());
    }
}
