package org.gradreg.trainer.data;

import org.gradreg.trainer.BadInput;

/**
 * A data set known by name whose directory or files are not there (yet), with the shape it will
 * have: {@code grid --list} plans on a machine without the data (issue 22 item 16).
 */
public final class MissingDataFiles extends BadInput {

    private final transient DatasetShape shape;

    public MissingDataFiles(String message, DatasetShape shape) {
        super(message);
        this.shape = shape;
    }

    /** The shape the data set will have once its files are there. */
    public DatasetShape shape() {
        return shape;
    }
}
