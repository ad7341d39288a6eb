package org.gradreg.trainer.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.Optim;

/**
 * Data sets by name: {@code synthetic} (5000/1000 images of 32×32, 10 classes),
 * {@code synthetic:train=N,test=M,classes=C,size=S}, {@code synthetic-small} (2000/500),
 * {@code cifar10}, {@code cifar100}, {@code cifar100-coarse}, {@code fashion-mnist} (60000/10000
 * greyscale 28×28, 10 classes) and {@code fashion-mnist:train=N,test=M} (seeded class-stratified
 * subsets, see {@link FashionMnist}).
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * @param name  synthetic | synthetic-small | cifar10 | cifar100 | cifar100-coarse | fashion-mnist, with options
     *              after a colon for synthetic and fashion-mnist
     * @param dir   the CIFAR or Fashion-MNIST directory (ignored for synthetic; null for Fashion-MNIST:
     *              {@link FashionMnist#DEFAULT_DIR})
     * @param seed  the synthetic set's seed, and the seed of Fashion-MNIST subsets
     */
    public static DataSplit load(String name, Path dir, long seed) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("fashion-mnist") || n.startsWith("fashion-mnist:")) {
            Map<String, String> kv = Optim.keyValues(n.substring(Math.min(n.length(), "fashion-mnist:".length())));
            for (String k : kv.keySet()) {
                if (!java.util.Set.of("train", "test").contains(k)) {
                    throw new IllegalArgumentException("unknown fashion-mnist data option '" + k + "'; known: train, test");
                }
            }
            return FashionMnist.load(dir, count(kv, "train"), count(kv, "test"), seed);
        }
        if (n.startsWith("synthetic:")) {
            Map<String, String> kv = Optim.keyValues(n.substring("synthetic:".length()));
            for (String k : kv.keySet()) {
                if (!java.util.Set.of("train", "test", "classes", "size").contains(k)) {
                    throw new IllegalArgumentException("unknown synthetic data option '" + k + "'; known: train, test, classes, size");
                }
            }
            return SyntheticCifar.generate(Integer.parseInt(kv.getOrDefault("train", "5000")),
                    Integer.parseInt(kv.getOrDefault("test", "1000")), Integer.parseInt(kv.getOrDefault("classes", "10")),
                    Integer.parseInt(kv.getOrDefault("size", "32")), seed);
        }
        return switch (n) {
            case "synthetic" -> SyntheticCifar.generate(seed);
            case "synthetic-small" -> SyntheticCifar.generate(2000, 500, 10, 32, seed);
            case "cifar10", "cifar-10" -> Cifar.cifar10(dir);
            case "cifar100", "cifar-100" -> Cifar.cifar100(dir, Cifar.Labels.FINE);
            case "cifar100-coarse" -> Cifar.cifar100(dir, Cifar.Labels.COARSE);
            default -> throw new IllegalArgumentException("unknown dataset '" + name
                    + "'; known: synthetic, synthetic-small, cifar10, cifar100, cifar100-coarse, fashion-mnist");
        };
    }

    private static int count(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("fashion-mnist option " + key + "=" + v + " must be a whole number of images >= 1");
    }
}
