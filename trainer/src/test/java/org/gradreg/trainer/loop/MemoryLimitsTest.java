package org.gradreg.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.model.Engines;
import org.gradreg.trainer.nn.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Issue 22 item 8: the limits read from cgroup v1/v2 fixture trees, and the pre-check's message naming the limit. */
class MemoryLimitsTest {

    @TempDir
    Path root;

    private void write(String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** cgroup v2, a Slurm-like nesting: the job's limit (1.5 GiB) is below the user's slice; the step's own is "max". */
    @Test
    void cgroupV2TakesTheSmallestLimitAlongThePath() throws IOException {
        write("proc/self/cgroup", "0::/system.slice/slurmstepd.scope/job_42/step_0\n");
        write("sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        write("sys/fs/cgroup/system.slice/memory.max", "8589934592\n");
        write("sys/fs/cgroup/system.slice/slurmstepd.scope/job_42/memory.max", "1610612736\n");
        write("sys/fs/cgroup/system.slice/slurmstepd.scope/job_42/step_0/memory.max", "max\n");
        MemoryLimits.Cgroup c = MemoryLimits.cgroup(root);
        assertEquals(1610612736L, c.limit());
        assertEquals("/sys/fs/cgroup/system.slice/slurmstepd.scope/job_42/memory.max", c.file());
    }

    /** cgroup v1: the memory controller's line (with other controllers), the "no limit" value of the root, a limit in the child. */
    @Test
    void cgroupV1ReadsTheMemoryControllersLimitInBytes() throws IOException {
        write("proc/self/cgroup", "12:pids:/user\n4:memory,hugetlb:/slurm/uid_1000/job_7\n1:name=systemd:/user\n0::/\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/fs/cgroup/memory/slurm/uid_1000/job_7/memory.limit_in_bytes", "2147483648\n");
        MemoryLimits.Cgroup c = MemoryLimits.cgroup(root);
        assertEquals(2147483648L, c.limit());
        assertEquals("/sys/fs/cgroup/memory/slurm/uid_1000/job_7/memory.limit_in_bytes", c.file());
    }

    /** A container: /proc/self/cgroup names the host's path, which does not exist below the mount (the container's own cgroup). */
    @Test
    void aContainersLimitIsAtTheMountsRoot() throws IOException {
        write("proc/self/cgroup", "0::/kubepods/pod1234/abcd\n");
        write("sys/fs/cgroup/cgroup.controllers", "memory\n");
        write("sys/fs/cgroup/memory.max", "1073741824\n");
        assertEquals(1073741824L, MemoryLimits.cgroup(root).limit());
    }

    @Test
    void noLimitOrNoFilesIsUnknown() throws IOException {
        assertEquals(-1, MemoryLimits.cgroup(root).limit());
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/cgroup.controllers", "memory\n");
        write("sys/fs/cgroup/memory.max", "max\n");
        assertEquals(-1, MemoryLimits.cgroup(root).limit());
        assertNull(MemoryLimits.cgroup(root).file());
        write("proc/meminfo", "MemTotal:       24683748 kB\nMemFree:  100 kB\nMemAvailable:   24154524 kB\n");
        assertEquals(24154524L * 1024, MemoryLimits.hostAvailable(root));
    }

    /** The pre-check refuses a run over the cgroup's limit although the host has room, naming the file and the remedy. */
    @Test
    void aRunOverTheCgroupLimitIsRefusedNamingIt() {
        Engine e = Engines.build("vit-ti", 10, DataType.FLOAT, 1);
        long need = MemoryBudget.estimate(e, 128);
        long huge = 1L << 40;
        MemoryLimits m = new MemoryLimits(huge, need / 2, "/sys/fs/cgroup/job/memory.max", 1L << 30, huge, huge);
        BadInput x = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 128, 1, m));
        assertTrue(x.getMessage().contains("memory limit of this process's cgroup (/sys/fs/cgroup/job/memory.max, e.g. Slurm's --mem)"),
                x.getMessage());
        assertTrue(x.getMessage().contains("use --accumulate") && x.getMessage().contains("ask for more memory"), x.getMessage());
        MemoryBudget.check(e, 128, 1, new MemoryLimits(huge, -1, null, 1L << 30, huge, huge)); // no cgroup limit: fits
        // the tightest limit is named (its --accumulate then fits the others), whatever the order they are read in
        BadInput y = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 128, 1,
                new MemoryLimits(huge, need / 2, "/sys/fs/cgroup/job/memory.max", 1L << 30, need / 4, huge)));
        assertTrue(y.getMessage().contains("org.bytedeco.javacpp.maxbytes"), y.getMessage());
    }

    /** ND4J's arrays over JavaCPP's off-heap limit (-Xmx by default): refused naming the property and -Xmx. */
    @Test
    void arraysOverTheOffHeapLimitAreRefusedNamingIt() {
        Engine e = Engines.build("vit-ti", 10, DataType.FLOAT, 1);
        long arrays = MemoryBudget.estimate(e, 128) - MemoryBudget.BASE_BYTES;
        long huge = 1L << 40;
        BadInput x = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 128, 1,
                new MemoryLimits(huge, -1, null, arrays - 1, arrays - 1, huge)));
        assertTrue(x.getMessage().contains("org.bytedeco.javacpp.maxbytes") && x.getMessage().contains("-Xmx"), x.getMessage());
        MemoryBudget.check(e, 128, 1, new MemoryLimits(huge, -1, null, arrays, arrays, huge)); // exactly enough: fits
        BadInput y = assertThrows(BadInput.class, () -> MemoryBudget.check(e, 128, 1,
                new MemoryLimits(huge, -1, null, arrays, arrays, arrays)));
        assertTrue(y.getMessage().contains("org.bytedeco.javacpp.maxphysicalbytes"), y.getMessage());
    }
}
