package org.gradreg.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * {@link Gpu} on the CPU: gradreg's kernel source compiled as C++ with {@code emu.cpp} (a launch runs
 * every thread of the grid in turn; GEMM is a plain column-major loop with cuBLAS's semantics) into
 * a shared library, called through Java 17's incubating foreign linker. "Device" memory is host
 * memory from the library's allocator. The library is built once per source version under
 * {@code target/emu}; {@link #available()} says why not when there is no C++ compiler.
 */
final class EmulatedGpu implements Gpu {

    private static EmulatedGpu instance;
    private static String unavailable;

    private final MethodHandle launch;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle memset0;
    private final MethodHandle memcpy;
    private final MethodHandle gemm;
    private final MemorySegment slots;
    private final MemorySegment params;
    private final java.util.Map<String, MemorySegment> names = new java.util.HashMap<>();
    private long allocated;

    /** The emulator, built on first use; null (see {@link #whyNot()}) without a C++ compiler. */
    static synchronized EmulatedGpu available() {
        if (instance == null && unavailable == null) {
            try {
                instance = new EmulatedGpu(build());
            } catch (IOException | InterruptedException | RuntimeException e) {
                unavailable = e.getMessage();
            }
        }
        return instance;
    }

    static String whyNot() {
        return unavailable;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EmulatedGpu.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Compiles the emulator library (g++), cached by the hash of its sources. */
    private static Path build() throws IOException, InterruptedException {
        String kernels = Kernels.source();
        String emu = resource("/org/gradreg/cuda/emu.cpp");
        StringBuilder table = new StringBuilder();
        for (String k : Kernels.names()) {
            table.append("{\"").append(k).append("\", {wrap(&kf::").append(k).append("), wrap(&kd::").append(k).append(")}},\n");
        }
        String key = Kernels.sha256(kernels + emu + table).substring(0, 16);
        Path dir = Path.of("target", "emu", key).toAbsolutePath();
        Path lib = dir.resolve("libgradreg-emu.so");
        if (Files.isRegularFile(lib)) {
            return lib;
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernels.cu"), kernels);
        Files.writeString(dir.resolve("emu.cpp"), emu);
        Files.writeString(dir.resolve("emu_table.inc"), table.toString());
        Path tmp = dir.resolve("lib.tmp.so");
        Process p;
        try {
            p = new ProcessBuilder("g++", "-std=c++17", "-O2", "-shared", "-fPIC", "-o", tmp.toString(), "emu.cpp").directory(dir.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("no C++ compiler (g++) to build the GPU emulator: " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("g++ could not build the GPU emulator:\n" + out);
        }
        Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lib;
    }

    private EmulatedGpu(Path lib) {
        System.load(lib.toString());
        SymbolLookup l = SymbolLookup.loaderLookup();
        CLinker c = CLinker.getInstance();
        launch = c.downcallHandle(l.lookup("emu_launch").orElseThrow(),
                MethodType.methodType(int.class, MemoryAddress.class, int.class, int.class, int.class, MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER));
        malloc = c.downcallHandle(l.lookup("emu_malloc").orElseThrow(), MethodType.methodType(MemoryAddress.class, long.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_LONG_LONG));
        free = c.downcallHandle(l.lookup("emu_free").orElseThrow(), MethodType.methodType(void.class, MemoryAddress.class),
                FunctionDescriptor.ofVoid(CLinker.C_POINTER));
        memset0 = c.downcallHandle(l.lookup("emu_memset0").orElseThrow(), MethodType.methodType(void.class, MemoryAddress.class, long.class),
                FunctionDescriptor.ofVoid(CLinker.C_POINTER, CLinker.C_LONG_LONG));
        memcpy = c.downcallHandle(l.lookup("emu_memcpy").orElseThrow(),
                MethodType.methodType(void.class, MemoryAddress.class, MemoryAddress.class, long.class),
                FunctionDescriptor.ofVoid(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_LONG_LONG));
        gemm = c.downcallHandle(l.lookup("emu_gemm").orElseThrow(),
                MethodType.methodType(void.class, int.class, int.class, int.class, int.class, int.class, int.class, double.class,
                        MemoryAddress.class, int.class, long.class, MemoryAddress.class, int.class, long.class, double.class,
                        MemoryAddress.class, int.class, long.class, int.class),
                FunctionDescriptor.ofVoid(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT,
                        CLinker.C_DOUBLE, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG_LONG, CLinker.C_POINTER, CLinker.C_INT,
                        CLinker.C_LONG_LONG, CLinker.C_DOUBLE, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG_LONG, CLinker.C_INT));
        ResourceScope global = ResourceScope.globalScope();
        slots = MemorySegment.allocateNative(8 * 32, 8, global);
        params = MemorySegment.allocateNative(8 * 32, 8, global);
        for (int i = 0; i < 32; i++) {
            MemoryAccess.setAddressAtIndex(params, i, slots.address().addOffset(8L * i));
        }
    }

    private static MemoryAddress at(long address) {
        return MemoryAddress.ofLong(address);
    }

    private static RuntimeException rethrow(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    @Override
    public String name() {
        return "CPU emulator";
    }

    @Override
    public int computeCapability() {
        return 0;
    }

    @Override
    public long totalMemory() {
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public long freeMemory() {
        return Math.max(0, totalMemory() - allocated);
    }

    @Override
    public long malloc(long bytes) {
        try {
            MemoryAddress p = (MemoryAddress) malloc.invokeExact(bytes);
            if (p.equals(MemoryAddress.NULL)) {
                throw new OutOfMemoryError("emulator: " + bytes + " bytes");
            }
            allocated += bytes;
            return p.toRawLongValue();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            free.invokeExact(at(address));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memset0(long address, long bytes) {
        try {
            memset0.invokeExact(at(address), bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void copy(long dst, long src, long bytes) {
        try {
            memcpy.invokeExact(at(dst), at(src), bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void copyToDevice(long device, long host, long bytes) {
        copy(device, host, bytes);
    }

    @Override
    public void copyToHost(long host, long device, long bytes) {
        copy(host, device, bytes);
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        copy(dst, src, bytes);
    }

    @Override
    public void launch(boolean dbl, String kernel, int grid, int block, long... args) {
        for (int i = 0; i < args.length; i++) {
            MemoryAccess.setLongAtIndex(slots, i, args[i]);
        }
        MemorySegment name = names.computeIfAbsent(kernel, k -> CLinker.toCString(k, ResourceScope.globalScope()));
        // fewer emulated threads than a GPU's: the kernels are grid-stride loops, so any grid covers the work
        int g = Math.min(grid, 4);
        int b = Math.min(block, 32);
        int r;
        try {
            r = (int) launch.invokeExact(name.address(), dbl ? 1 : 0, g, b, params.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != 0) {
            throw new IllegalArgumentException("emulator: no kernel " + kernel);
        }
    }

    @Override
    public void gemm(boolean dbl, boolean ta, boolean tb, int m, int n, int k, double alpha, long a, int lda, long strideA, long b,
                     int ldb, long strideB, double beta, long c, int ldc, long strideC, int batch) {
        try {
            gemm.invokeExact(dbl ? 1 : 0, ta ? 1 : 0, tb ? 1 : 0, m, n, k, alpha, at(a), lda, strideA, at(b), ldb, strideB, beta, at(c), ldc,
                    strideC, batch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }
}
