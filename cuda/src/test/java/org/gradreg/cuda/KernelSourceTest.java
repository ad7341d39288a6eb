package org.gradreg.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel source compiles to PTX for sm_80 (A100) and sm_90 (H100/H200), in float and double,
 * with the CUDA compiler when this machine has one (skipped, saying why, when it has none). NVRTC
 * compiles the same text at run time; nvcc here catches a syntax or type error before a GPU does.
 */
class KernelSourceTest {

    private static Path nvcc() {
        for (String p : new String[] {"/usr/local/cuda/bin/nvcc", System.getenv("CUDA_HOME") + "/bin/nvcc"}) {
            if (p != null && Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void everyKernelCompilesForAmpereAndHopperInBothPrecisions() throws IOException, InterruptedException {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "no CUDA compiler (nvcc) on this machine: the kernels are compiled by NVRTC on the GPU only");
        Path dir = Files.createTempDirectory("gradreg-kernels");
        Path src = dir.resolve("kernels.cu");
        Files.writeString(src, Kernels.source());
        List<String> names = Kernels.names();
        assertTrue(names.size() >= 30, "kernels found: " + names);
        for (String arch : new String[] {"sm_80", "sm_90"}) {
            for (String real : new String[] {"float", "double"}) {
                Path out = dir.resolve("k-" + arch + "-" + real + ".ptx");
                Process p = new ProcessBuilder(nvcc.toString(), "--ptx", "-arch=" + arch, "-Dreal=" + real, "-std=c++17", "-o",
                        out.toString(), src.toString()).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(5, TimeUnit.MINUTES), "nvcc timed out");
                assertEquals(0, p.exitValue(), arch + " " + real + ":\n" + log);
                String ptx = Files.readString(out);
                for (String k : names) {
                    assertTrue(ptx.contains(".entry " + k + "("), arch + " " + real + ": no entry " + k);
                }
            }
        }
    }
}
