package org.gradreg.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasDgemm_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.gradreg.trainer.compute.DeviceUnavailableException;

/**
 * {@link Gpu} on a real NVIDIA GPU through JavaCPP's CUDA presets (cudart and the driver API for
 * memory, copies and launches; cuBLAS for GEMMs; NVRTC, via {@link Kernels}, for the kernels).
 * Everything runs on the legacy default stream, so a copy to the host waits for the work before it.
 * One instance per device and process ({@link #open}), shared by every backend on that device; it
 * lives as long as the process. Not thread-safe: one training loop drives it.
 */
final class JavaCppGpu implements Gpu {

    private static final Map<Integer, JavaCppGpu> OPEN = new HashMap<>();

    private final int index;
    private final String name;
    private final int cc;
    private final long total;
    private final cublasContext blas = new cublasContext();
    private final Map<String, CUfunc_st> floatKernels = new HashMap<>();
    private final Map<String, CUfunc_st> doubleKernels = new HashMap<>();
    private final CUmod_st floatModule = new CUmod_st();
    private final CUmod_st doubleModule = new CUmod_st();
    /** Kernel arguments: 32 eight-byte slots and the array of pointers to them that cuLaunchKernel reads. */
    private final LongPointer slots = new LongPointer(32);
    private final PointerPointer<Pointer> params = new PointerPointer<>(32);
    private final FloatPointer alphaF = new FloatPointer(1);
    private final FloatPointer betaF = new FloatPointer(1);
    private final DoublePointer alphaD = new DoublePointer(1);
    private final DoublePointer betaD = new DoublePointer(1);
    private final SizeTPointer memFree = new SizeTPointer(1);
    private final SizeTPointer memTotal = new SizeTPointer(1);
    private final String versions;

    /** A raw address as a JavaCPP pointer (no allocation, no deallocator). */
    static final class Raw extends Pointer {
        Raw(long address) {
            this.address = address;
        }
    }

    /** The GPU of ordinal {@code index}, opened once per process; a GPU that cannot be used is one line saying why. */
    static synchronized JavaCppGpu open(int index) {
        JavaCppGpu g = OPEN.get(index);
        if (g == null) {
            CudaLibraries.load();
            g = new JavaCppGpu(index);
            OPEN.put(index, g);
        }
        return g;
    }

    private JavaCppGpu(int index) {
        this.index = index;
        int[] count = {0};
        int r = cudaGetDeviceCount(count);
        if (r != 0) {
            throw new DeviceUnavailableException("--device cuda:" + index + ": the CUDA runtime found no usable GPU (" + cudaError(r)
                    + "); check the NVIDIA driver with nvidia-smi");
        }
        if (index >= count[0]) {
            throw new DeviceUnavailableException("--device cuda:" + index + ": this machine has " + count[0] + " GPU"
                    + (count[0] == 1 ? "" : "s") + (count[0] > 0 ? " (cuda:0" + (count[0] > 1 ? " … cuda:" + (count[0] - 1) : "") + ")" : ""));
        }
        check(cudaSetDevice(index), "cudaSetDevice");
        check(cudaFree(null), "creating the CUDA context");
        cudaDeviceProp prop = new cudaDeviceProp();
        check(cudaGetDeviceProperties(prop, index), "cudaGetDeviceProperties");
        this.name = prop.name().getString().trim();
        this.cc = prop.major() * 10 + prop.minor();
        this.total = prop.totalGlobalMem();
        int[] drv = {0};
        int[] rt = {0};
        cudaDriverGetVersion(drv);
        cudaRuntimeGetVersion(rt);
        this.versions = "driver API " + drv[0] / 1000 + "." + drv[0] % 1000 / 10 + ", runtime " + rt[0] / 1000 + "." + rt[0] % 1000 / 10;
        blasCheck(cublasCreate_v2(blas), "cublasCreate");
        boolean tf32 = Boolean.getBoolean("gradreg.cuda.tf32");
        blasCheck(cublasSetMathMode(blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        for (int i = 0; i < 32; i++) {
            params.put(i, new Raw(slots.address() + 8L * i));
        }
        Kernels.Compiled k = Kernels.compile(cc);
        loadModule(k.floatImage(), floatModule, floatKernels, "float");
        loadModule(k.doubleImage(), doubleModule, doubleKernels, "double");
    }

    private void loadModule(byte[] image, CUmod_st module, Map<String, CUfunc_st> into, String what) {
        BytePointer img = new BytePointer(image.length + 1L);
        img.put(image, 0, image.length);
        img.put(image.length, (byte) 0);
        driverCheck(cuModuleLoadData(module, img), "loading the " + what + " kernels");
        for (String k : Kernels.names()) {
            CUfunc_st f = new CUfunc_st();
            driverCheck(cuModuleGetFunction(f, module, k), "finding kernel " + k);
            into.put(k, f);
        }
    }

    String versions() {
        return versions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int computeCapability() {
        return cc;
    }

    @Override
    public long totalMemory() {
        return total;
    }

    @Override
    public long freeMemory() {
        check(cudaMemGetInfo(memFree, memTotal), "cudaMemGetInfo");
        return memFree.get();
    }

    @Override
    public long malloc(long bytes) {
        Pointer p = new Pointer();
        int r = cudaMalloc(p, Math.max(1, bytes));
        if (r != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "cuda:%d: out of GPU memory allocating %.2f GB (%.2f GB free of %.2f GB): %s; use --accumulate or a smaller --batch",
                    index, bytes / 1e9, freeMemory() / 1e9, total / 1e9, cudaError(r)));
        }
        long a = p.address();
        memset0(a, bytes);
        return a;
    }

    @Override
    public void free(long address) {
        check(cudaFree(new Raw(address)), "cudaFree");
    }

    @Override
    public void memset0(long address, long bytes) {
        if (bytes > 0) {
            check(cudaMemsetAsync(new Raw(address), 0, bytes), "cudaMemset");
        }
    }

    @Override
    public void copyToDevice(long device, long host, long bytes) {
        if (bytes > 0) {
            check(cudaMemcpy(new Raw(device), new Raw(host), bytes, cudaMemcpyHostToDevice), "copying to the GPU");
        }
    }

    @Override
    public void copyToHost(long host, long device, long bytes) {
        if (bytes > 0) {
            check(cudaMemcpy(new Raw(host), new Raw(device), bytes, cudaMemcpyDeviceToHost), "copying from the GPU");
        }
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        if (bytes > 0) {
            check(cudaMemcpy(new Raw(dst), new Raw(src), bytes, cudaMemcpyDeviceToDevice), "copying on the GPU");
        }
    }

    @Override
    public void launch(boolean dbl, String kernel, int grid, int block, long... args) {
        CUfunc_st f = (dbl ? doubleKernels : floatKernels).get(kernel);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + kernel);
        }
        for (int i = 0; i < args.length; i++) {
            slots.put(i, args[i]);
        }
        driverCheck(cuLaunchKernel(f, grid, 1, 1, block, 1, 1, 0, (CUstream_st) null, params, (PointerPointer<?>) null), kernel);
    }

    @Override
    public void gemm(boolean dbl, boolean ta, boolean tb, int m, int n, int k, double alpha, long a, int lda, long strideA, long b,
                     int ldb, long strideB, double beta, long c, int ldc, long strideC, int batch) {
        int opA = ta ? CUBLAS_OP_T : CUBLAS_OP_N;
        int opB = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
        int r;
        if (dbl) {
            alphaD.put(0, alpha);
            betaD.put(0, beta);
            DoublePointer pa = new DoublePointer(new Raw(a));
            DoublePointer pb = new DoublePointer(new Raw(b));
            DoublePointer pc = new DoublePointer(new Raw(c));
            r = batch == 1 ? cublasDgemm_v2(blas, opA, opB, m, n, k, alphaD, pa, lda, pb, ldb, betaD, pc, ldc)
                    : cublasDgemmStridedBatched(blas, opA, opB, m, n, k, alphaD, pa, lda, strideA, pb, ldb, strideB, betaD, pc, ldc,
                    strideC, batch);
        } else {
            alphaF.put(0, (float) alpha);
            betaF.put(0, (float) beta);
            FloatPointer pa = new FloatPointer(new Raw(a));
            FloatPointer pb = new FloatPointer(new Raw(b));
            FloatPointer pc = new FloatPointer(new Raw(c));
            r = batch == 1 ? cublasSgemm_v2(blas, opA, opB, m, n, k, alphaF, pa, lda, pb, ldb, betaF, pc, ldc)
                    : cublasSgemmStridedBatched(blas, opA, opB, m, n, k, alphaF, pa, lda, strideA, pb, ldb, strideB, betaF, pc, ldc,
                    strideC, batch);
        }
        blasCheck(r, "gemm " + m + "x" + n + "x" + k + (batch > 1 ? " x" + batch : ""));
    }

    @Override
    public void synchronize() {
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    @Override
    public void close() {
        // the GPU stays open for the process (shared by every backend on it); the driver frees it at exit
    }

    static String cudaError(int r) {
        BytePointer s = cudaGetErrorString(r);
        return "error " + r + (s == null ? "" : ": " + s.getString());
    }

    private void check(int r, String what) {
        if (r != 0) {
            throw new IllegalStateException("cuda:" + index + ": " + what + " failed, " + cudaError(r));
        }
    }

    private void driverCheck(int r, String what) {
        if (r != 0) {
            PointerPointer<BytePointer> s = new PointerPointer<>(1);
            cuGetErrorString(r, s);
            BytePointer msg = s.get(BytePointer.class, 0);
            throw new IllegalStateException("cuda:" + index + ": " + what + " failed, CUDA driver error " + r
                    + (msg == null || msg.isNull() ? "" : ": " + msg.getString()));
        }
    }

    private void blasCheck(int r, String what) {
        if (r != CUBLAS_STATUS_SUCCESS) {
            BytePointer s = cublasGetStatusString(r);
            throw new IllegalStateException("cuda:" + index + ": cuBLAS " + what + " failed, status " + r + (s == null ? "" : ": " + s.getString()));
        }
    }
}
