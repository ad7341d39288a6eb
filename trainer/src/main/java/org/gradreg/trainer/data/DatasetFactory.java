package org.gradreg.trainer.data;

import java.nio.file.Path;
import org.gradreg.optim.registry.Args;

/** Loads one registered data set from its checked options (an entry of {@link Datasets#REGISTRY}). */
@FunctionalInterface
public interface DatasetFactory {

    /**
     * @param dir  the data set's directory (ignored by the synthetic sets; null: the set's default, if any)
     * @param seed the synthetic set's seed, and the seed of subsets
     */
    DataSplit load(Args args, Path dir, long seed);
}
