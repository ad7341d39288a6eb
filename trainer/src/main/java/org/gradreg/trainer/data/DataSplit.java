package org.gradreg.trainer.data;

/** A training set and its test set. */
public record DataSplit(Dataset train, Dataset test) {

    public int classes() {
        return train.classes();
    }
}
