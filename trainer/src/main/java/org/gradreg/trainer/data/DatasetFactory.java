package org.gradreg.trainer.data;

import java.nio.file.Path;
import org.gradreg.common.registry.Args;

/**
 * Loads one registered data set from its checked options (an entry of {@link Datasets#REGISTRY})
 * and reports its shape without loading it.
 */
@FunctionalInterface
public interface DatasetFactory {

    /**
     * @param dir  the data set's directory (ignored by the synthetic sets; null: the set's default, if any)
     * @param seed the synthetic set's seed, and the seed of subsets
     */
    DataSplit load(Args args, Path dir, long seed);

    /**
     * The set's sizes, classes and image shape, checking at most that its files are there (a bad
     * file is a {@link DataFormatException} or {@link org.gradreg.trainer.BadInput} naming it). By
     * default the set is loaded and measured; the registered sets override this.
     */
    default DatasetShape shape(Args args, Path dir, long seed) {
        return DatasetShape.of(load(args, dir, seed));
    }

    /** How a set knows its shape without loading. */
    @FunctionalInterface
    interface Shape {
        DatasetShape shape(Args args, Path dir);
    }

    /** {@code load} with {@code shape} as its shape. */
    static DatasetFactory of(DatasetFactory load, Shape shape) {
        return new DatasetFactory() {
            @Override
            public DataSplit load(Args args, Path dir, long seed) {
                return load.load(args, dir, seed);
            }

            @Override
            public DatasetShape shape(Args args, Path dir, long seed) {
                return shape.shape(args, dir);
            }
        };
    }
}
