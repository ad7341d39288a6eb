package org.gradreg.trainer.nn;

import java.util.function.IntFunction;

/** A dropout mask placeholder: its name, rate, and mask shape for a batch of B examples. */
public record DropoutSite(String placeholder, double rate, IntFunction<long[]> shape) {
}
