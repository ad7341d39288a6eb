package org.gradreg.cuda;

import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTX;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTXSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.gradreg.trainer.compute.DeviceUnavailableException;

/**
 * The kernel source ({@code kernels.cu}, a class-path resource) compiled for one GPU architecture,
 * once per element type: by NVRTC at first use (machine code for the GPU's own compute capability,
 * e.g. sm_90 on Hopper), cached on disk under {@code ~/.cache/gradreg/cuda} (or
 * {@code $XDG_CACHE_HOME/gradreg/cuda}) by a hash of the source, the options and NVRTC's version;
 * or images compiled ahead of time, from {@code -Dgradreg.cuda.kernels=DIR} holding
 * {@code kernels-float.cubin}/{@code .ptx} and {@code kernels-double.cubin}/{@code .ptx} (e.g. from
 * {@code nvcc -cubin -arch=sm_90 -Dreal=float}), for machines without NVRTC.
 */
final class Kernels {

    static final String RESOURCE = "/org/gradreg/cuda/kernels.cu";
    private static final Pattern KERNEL = Pattern.compile("GR_KERNEL\\s+void\\s+(gr_\\w+)\\s*\\(");

    /** The two images (cubin or NUL-free PTX text) and how they were made. */
    record Compiled(byte[] floatImage, byte[] doubleImage, String how) {
    }

    private Kernels() {
    }

    /** The kernel source. */
    static String source() {
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + RESOURCE + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the kernels the source defines (GR_KERNEL void gr_…). */
    static List<String> names() {
        List<String> n = new ArrayList<>();
        Matcher m = KERNEL.matcher(source());
        while (m.find()) {
            n.add(m.group(1));
        }
        return n;
    }

    /** NVRTC's options for one element type and architecture. */
    static List<String> options(String real, String arch) {
        return List.of("--gpu-architecture=" + arch, "-Dreal=" + real, "--std=c++17", "-lineinfo");
    }

    /** Both images for compute capability {@code cc} (e.g. 90). */
    static Compiled compile(int cc) {
        String dir = System.getProperty("gradreg.cuda.kernels");
        if (dir != null && !dir.isBlank()) {
            return precompiled(Path.of(dir));
        }
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.cuda.global.nvrtc.class);
        } catch (Throwable t) {
            throw CudaLibraries.unavailable("NVRTC, the CUDA run-time compiler (libnvrtc.so.13)", t);
        }
        int[] major = {0};
        int[] minor = {0};
        nvrtcVersion(major, minor);
        String arch = "sm_" + cc;
        String source = source();
        return new Compiled(cached(source, "float", arch, major[0] + "." + minor[0]), cached(source, "double", arch, major[0] + "." + minor[0]),
                "NVRTC " + major[0] + "." + minor[0] + ", " + arch);
    }

    private static Compiled precompiled(Path dir) {
        return new Compiled(image(dir, "float"), image(dir, "double"), "precompiled images from " + dir);
    }

    private static byte[] image(Path dir, String real) {
        for (String ext : new String[] {"cubin", "ptx"}) {
            Path p = dir.resolve("kernels-" + real + "." + ext);
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new DeviceUnavailableException("-Dgradreg.cuda.kernels=" + dir + ": no kernels-" + real + ".cubin or .ptx there");
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gradreg").resolve("cuda");
    }

    private static byte[] cached(String source, String real, String arch, String nvrtcVersion) {
        String key = sha256(source + "\n" + options(real, arch) + "\n" + nvrtcVersion).substring(0, 24);
        Path file = cacheDir().resolve("kernels-" + arch + "-" + real + "-" + key + ".cubin");
        if (Files.isRegularFile(file)) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                // compile again
            }
        }
        byte[] image = nvrtc(source, real, arch);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "kernels", ".tmp");
            Files.write(tmp, image);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // a read-only home: compile again next time
        }
        return image;
    }

    /** Compiles with NVRTC to machine code (cubin) for a real architecture, or PTX for a virtual one (compute_XX). */
    static byte[] nvrtc(String source, String real, String arch) {
        _nvrtcProgram prog = new _nvrtcProgram();
        check(nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("kernels.cu"), 0, (PointerPointer<?>) null,
                (PointerPointer<?>) null), "nvrtcCreateProgram");
        try {
            List<String> opts = options(real, arch);
            PointerPointer<BytePointer> o = new PointerPointer<>(opts.toArray(new String[0]));
            int r = nvrtcCompileProgram(prog, opts.size(), o);
            if (r != 0) {
                throw new IllegalStateException("NVRTC could not compile the " + real + " kernels for " + arch + ": "
                        + nvrtcGetErrorString(r).getString() + "\n" + log(prog));
            }
            SizeTPointer size = new SizeTPointer(1);
            boolean cubin = arch.startsWith("sm_");
            check(cubin ? nvrtcGetCUBINSize(prog, size) : nvrtcGetPTXSize(prog, size), "nvrtcGetCUBINSize");
            BytePointer out = new BytePointer(size.get());
            check(cubin ? nvrtcGetCUBIN(prog, out) : nvrtcGetPTX(prog, out), "nvrtcGetCUBIN");
            byte[] b = new byte[(int) size.get()];
            out.get(b);
            return b;
        } finally {
            nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        SizeTPointer size = new SizeTPointer(1);
        nvrtcGetProgramLogSize(prog, size);
        BytePointer log = new BytePointer(Math.max(1, size.get()));
        nvrtcGetProgramLog(prog, log);
        return log.getString();
    }

    private static void check(int r, String what) {
        if (r != 0) {
            throw new IllegalStateException(what + " failed: " + nvrtcGetErrorString(r).getString());
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
