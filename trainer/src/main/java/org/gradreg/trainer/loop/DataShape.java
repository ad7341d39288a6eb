package org.gradreg.trainer.loop;

import java.nio.file.Path;
import org.gradreg.common.registry.Registry;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.data.DatasetFactory;
import org.gradreg.trainer.data.DatasetShape;
import org.gradreg.trainer.data.MissingDataFiles;
import org.gradreg.trainer.data.Datasets;

/**
 * The shape of a run's data set, as the set reports it ({@link DatasetFactory#shape}): from its
 * options and its files' presence (CIFAR: and sizes), without reading the images.
 *
 * @param train    training images
 * @param test     test images
 * @param classes  classes
 * @param channels image channels
 * @param image    image side
 */
public record DataShape(int train, int test, int classes, int channels, int image) {

    /** The shape of data set {@code spec} (files in {@code dir}, subsets by {@code seed}); a bad spec or file is a {@link BadInput}. */
    public static DataShape of(String spec, String dir, long seed) {
        Registry.Parsed<DatasetFactory> p;
        try {
            p = Datasets.REGISTRY.parseNamed(spec);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage(), e);
        }
        DatasetShape s;
        try {
            s = p.factory().shape(p.args(), dir == null ? null : Path.of(dir), seed);
        } catch (MissingDataFiles e) {
            DatasetShape m = e.shape();
            throw new MissingFiles(e.getMessage(), new DataShape(m.train(), m.test(), m.classes(), m.channels(), m.image()));
        }
        return new DataShape(s.train(), s.test(), s.classes(), s.channels(), s.image());
    }

    /**
     * A data set known by name whose files are not there (yet): the shape it will have, for a
     * {@code grid --list} on a machine without the data (issue 22 item 16).
     */
    public static final class MissingFiles extends BadInput {
        private final transient DataShape shape;

        MissingFiles(String message, DataShape shape) {
            super(message);
            this.shape = shape;
        }

        public DataShape shape() {
            return shape;
        }
    }
}
