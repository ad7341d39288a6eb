package org.gradreg.cuda;

/**
 * The few things the CUDA backend asks of a GPU, with device memory as plain 64-bit addresses:
 * allocation, copies, kernel launches by name (arguments as 8-byte slots: pointers, 64-bit
 * integers, 32-bit integers in the low half, doubles as their bits) and cuBLAS's column-major
 * (strided-batched) GEMM. {@link JavaCppGpu} implements it on a real GPU through JavaCPP's CUDA
 * presets; the tests implement it with a thread-by-thread CPU emulator of the same kernel source.
 */
interface Gpu extends AutoCloseable {

    /** The device's name, e.g. {@code NVIDIA H200}. */
    String name();

    /** Compute capability as major·10 + minor, e.g. 90. */
    int computeCapability();

    long totalMemory();

    long freeMemory();

    /** Zero-filled device memory of {@code bytes}. */
    long malloc(long bytes);

    void free(long address);

    void memset0(long address, long bytes);

    void copyToDevice(long device, long host, long bytes);

    void copyToHost(long host, long device, long bytes);

    void copyOnDevice(long dst, long src, long bytes);

    /** Launches kernel {@code name} of the FLOAT or DOUBLE module on a 1-D grid. */
    void launch(boolean dbl, String name, int grid, int block, long... args);

    /**
     * cuBLAS semantics, column-major: for i &lt; batch, C_i ← alpha·op(A_i)·op(B_i) + beta·C_i with
     * C_i m×n, A_i = A + i·strideA elements (likewise B, C); beta = 0 does not read C.
     */
    void gemm(boolean dbl, boolean ta, boolean tb, int m, int n, int k, double alpha, long a, int lda, long strideA, long b, int ldb,
              long strideB, double beta, long c, int ldc, long strideC, int batch);

    /** Waits for all queued work. */
    void synchronize();

    @Override
    void close();
}
