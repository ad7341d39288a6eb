package org.gradreg.trainer.config;

/**
 * The data: the data set's spec (registry name and options, e.g.
 * {@code fashion-mnist:train=10000,test=2000}), where its files are, and how it is used.
 *
 * @param spec       data set spec
 * @param dir        CIFAR or Fashion-MNIST directory (null for synthetic; for Fashion-MNIST, null means
 *                   /usr/share/datasets/fashion-mnist)
 * @param seed       seed of the synthetic set and of Fashion-MNIST subsets (fixed across run seeds)
 * @param trainLimit use only the first n training images (0: all)
 * @param testLimit  use only the first n test images (0: all)
 * @param augment    the data set's augmentation (pad-crop-flip; Fashion-MNIST: pad-crop)
 */
public record DataConfig(String spec, String dir, long seed, int trainLimit, int testLimit, boolean augment) {

    public DataConfig {
        Check.that(spec != null && !spec.isBlank(), "dataset must be given");
        Check.that(trainLimit >= 0 && testLimit >= 0, "train/test limits must be >= 0");
    }
}
