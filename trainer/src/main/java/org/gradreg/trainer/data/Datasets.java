package org.gradreg.trainer.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.gradreg.optim.Optim;

/**
 * Data sets by name: {@code synthetic} (5000/1000 images of 32×32, 10 classes),
 * {@code synthetic:train=N,test=M,classes=C,size=S}, {@code synthetic-small} (2000/500),
 * {@code cifar10}, {@code cifar100}, {@code cifar100-coarse}.
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * @param name  synthetic | cifar10 | cifar100 | cifar100-coarse
     * @param dir   the CIFAR directory (ignored for synthetic)
     * @param seed  the synthetic set's seed
     */
    public static DataSplit load(String name, Path dir, long seed) {
        String n = name.toLowerCase(Locale.ROOT);
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
                    + "'; known: synthetic, synthetic-small, cifar10, cifar100, cifar100-coarse");
        };
    }
}
