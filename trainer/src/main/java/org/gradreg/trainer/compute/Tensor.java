package org.gradreg.trainer.compute;

/**
 * An array of a {@link Backend}: a contiguous row-major block of elements of the backend's data
 * type, with a shape. On the CPU it is an ND4J array; on a GPU, device memory. Only its backend
 * reads or writes its elements; {@link #reshape} shares the storage.
 */
public interface Tensor {

    long[] shape();

    /** Number of elements. */
    long length();

    default long size(int dim) {
        return shape()[dim];
    }

    /** The same storage seen with another shape of the same length. */
    Tensor reshape(long... shape);

    /** Product of the dimensions. */
    static long lengthOf(long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
