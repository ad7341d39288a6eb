package org.gradreg.cuda;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.gradreg.trainer.compute.DeviceUnavailableException;

/**
 * Loads JavaCPP's CUDA bindings against the user's CUDA libraries (never bundled: the NVIDIA
 * driver's {@code libcuda.so.1}, and CUDA 13's {@code libcudart.so.13}, {@code libcublas.so.13},
 * {@code libcublasLt.so.13}, {@code libnvrtc.so.13} from a toolkit or NVIDIA's pip wheels), and
 * turns a failure into one line naming what is missing and how to get it. The {@code gradreg}
 * launcher puts the folders of {@code GRADREG_CUDA_LIBS} (or those it finds) on the library path.
 */
final class CudaLibraries {

    private static final Pattern SONAME = Pattern.compile("(lib[A-Za-z0-9_+-]+\\.so(\\.[0-9]+)*)");

    static final String HOW = "install the NVIDIA driver and CUDA 13 (a toolkit, or NVIDIA's wheels: pip install nvidia-cuda-runtime "
            + "nvidia-cublas nvidia-cuda-nvrtc) and set GRADREG_CUDA_LIBS to the folders holding their lib*.so.13 (docs/gpu.md)";

    private CudaLibraries() {
    }

    /** Loads the runtime, driver API and cuBLAS bindings, or throws with one line saying what is missing. */
    static void load() {
        try {
            Loader.load(org.bytedeco.cuda.global.cudart.class);
        } catch (Throwable t) {
            throw unavailable("the CUDA runtime (libcudart.so.13) or the NVIDIA driver (libcuda.so.1)", t);
        }
        try {
            Loader.load(org.bytedeco.cuda.global.cublas.class);
        } catch (Throwable t) {
            throw unavailable("cuBLAS (libcublas.so.13, libcublasLt.so.13)", t);
        }
    }

    /** One line: which of {@code what} could not be loaded, the library the loader named, and how to install it. */
    static DeviceUnavailableException unavailable(String what, Throwable t) {
        Set<String> libs = new LinkedHashSet<>();
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            all.append(m).append(' ');
            for (Throwable s : c.getSuppressed()) {
                all.append(s.getMessage()).append(' ');
            }
        }
        Matcher m = SONAME.matcher(all);
        while (m.find()) {
            String lib = m.group(1);
            if (!lib.startsWith("libjni")) {
                libs.add(lib);
            }
        }
        String missing;
        if (libs.contains("libcuda.so.1")) {
            missing = "no NVIDIA driver found (libcuda.so.1 could not be loaded; is this a GPU node? nvidia-smi should list the GPU)";
        } else if (!libs.isEmpty()) {
            missing = "could not load " + String.join(", ", libs) + " for " + what;
        } else {
            missing = "could not load " + what + " (" + firstLine(t) + ")";
        }
        return new DeviceUnavailableException("--device cuda: " + missing + "; " + HOW, t);
    }

    private static String firstLine(Throwable t) {
        String m = t.getClass().getSimpleName() + ": " + t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
