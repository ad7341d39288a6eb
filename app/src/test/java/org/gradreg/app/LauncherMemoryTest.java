package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 8: the launcher's JVM memory options (scripts/memory-opts.sh) follow the cgroup's
 * limit or the host's memory, and stay out of the way of a heap the user sets. The expected values
 * are the documented rule in plain arithmetic: heap = L/4 in [256 MiB, 4 GiB], ND4J's off-heap
 * limit = L − heap − 600 MiB (at least 256 MiB), resident limit = L − L/32.
 */
class LauncherMemoryTest {

    @TempDir
    Path root;

    static final long MIB = 1024 * 1024;

    private void write(String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private List<String> opts(String javaOpts) throws Exception {
        Path script = Path.of("..", "scripts", "memory-opts.sh").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; . '" + script + "'; gradreg_memory_opts \"$1\"", "bash", javaOpts);
        pb.environment().put("GRADREG_CGROUP_ROOT", root.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static List<String> expected(long limit) {
        long heap = Math.min(Math.max(limit / 4, 256 * MIB), 4096 * MIB);
        long off = Math.max(limit - heap - 600 * MIB, 256 * MIB);
        return List.of("-Xmx" + heap / MIB + "m", "-Dorg.bytedeco.javacpp.maxbytes=" + off,
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (limit - limit / 32));
    }

    @Test
    void aSlurmLimitOf1point5GibSizesTheHeapAndNd4jsLimits() throws Exception {
        write("proc/meminfo", "MemTotal:       24683748 kB\nMemAvailable:   24154524 kB\n");
        write("proc/self/cgroup", "0::/system.slice/job_42/step_0\n");
        write("sys/fs/cgroup/cgroup.controllers", "memory\n");
        write("sys/fs/cgroup/system.slice/job_42/memory.max", "1610612736\n");
        write("sys/fs/cgroup/system.slice/job_42/step_0/memory.max", "max\n");
        assertEquals(List.of("-Xmx384m", "-Dorg.bytedeco.javacpp.maxbytes=578813952", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1560281088"),
                opts(""));
        assertEquals(expected(1610612736L), opts(""));
    }

    @Test
    void cgroupV1AndTheHostsMemory() throws Exception {
        write("proc/meminfo", "MemTotal:       24683748 kB\n");
        write("proc/self/cgroup", "4:memory:/slurm/job_7\n0::/\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertEquals(expected(24683748L * 1024), opts("")); // no limit: the host's 24 GB (heap capped at 4 GiB)
        write("sys/fs/cgroup/memory/slurm/job_7/memory.limit_in_bytes", "8589934592\n");
        assertEquals(expected(8589934592L), opts(""));
    }

    @Test
    void aHeapTheUserSetsIsLeftAloneAndAPropertyIsNotRepeated() throws Exception {
        write("proc/meminfo", "MemTotal:       24683748 kB\n");
        assertEquals(List.of(), opts("-Xmx2g"));
        assertEquals(List.of(), opts("-Dfoo=1 -XX:MaxRAMPercentage=50"));
        List<String> all = expected(24683748L * 1024);
        assertEquals(List.of(all.get(0), all.get(2)), opts("-Dorg.bytedeco.javacpp.maxbytes=1g"));
    }
}
