package org.gradreg.trainer.data;

import java.nio.file.Path;
import java.util.Locale;

/** Data sets by name: {@code synthetic}, {@code cifar10}, {@code cifar100}, {@code cifar100-coarse}. */
public final class Datasets {

    private Datasets() {
    }

    /**
     * @param name  synthetic | cifar10 | cifar100 | cifar100-coarse
     * @param dir   the CIFAR directory (ignored for synthetic)
     * @param seed  the synthetic set's seed
     */
    public static DataSplit load(String name, Path dir, long seed) {
        return switch (name.toLowerCase(Locale.ROOT)) {
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
