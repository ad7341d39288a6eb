package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory limits this process actually has (issue 22 item 8), each with where it comes from:
 * <ul>
 *   <li>the host's free memory, MemAvailable of {@code /proc/meminfo};</li>
 *   <li>the control group's limit: cgroup v2 {@code memory.max}, cgroup v1
 *       {@code memory.limit_in_bytes}, the smallest along the process's cgroup path up to the
 *       mount's root (Slurm's {@code --mem}, a container's {@code --memory});</li>
 *   <li>the JVM's own: the heap ({@code -Xmx}) and JavaCPP's limits on ND4J's arrays outside the
 *       heap, {@code org.bytedeco.javacpp.maxbytes} (by default the heap's maximum) and
 *       {@code maxphysicalbytes} (the whole process's resident memory; by default 4 × the heap's
 *       maximum), past which an allocation fails with an {@link OutOfMemoryError}.</li>
 * </ul>
 * Read from a root directory so that the files can be fixtures in a test. A limit that is absent
 * or unreadable is −1 (no limit known).
 */
public record MemoryLimits(long hostAvailable, long cgroupLimit, String cgroupFile, long maxHeap, long offHeapMax, long physicalMax) {

    /** cgroup v1 writes "no limit" as a huge number (PAGE_COUNTER_MAX pages); anything from 2⁶² bytes up is no limit. */
    private static final long UNLIMITED = 1L << 62;

    /** The limits of this process. */
    public static MemoryLimits current() {
        long offHeap = -1;
        long physical = -1;
        try {
            offHeap = org.bytedeco.javacpp.Pointer.maxBytes();
            physical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        } catch (LinkageError e) {
            // JavaCPP's native part did not load: ND4J would not run either; no off-heap limit known
        }
        Path root = Path.of("/");
        Cgroup cg = cgroup(root);
        return new MemoryLimits(hostAvailable(root), cg.limit, cg.file, Runtime.getRuntime().maxMemory(), offHeap, physical);
    }

    /** A cgroup limit and the file it was read from (null when none). */
    public record Cgroup(long limit, String file) {
    }

    /** MemAvailable of {@code root/proc/meminfo}, or −1. */
    public static long hostAvailable(Path root) {
        return org.gradreg.optim.MemoryProbe.memAvailable(root.resolve("proc/meminfo"));
    }

    /**
     * The smallest memory limit on the cgroup path of this process in {@code root/proc/self/cgroup}:
     * v2 ({@code 0::/path}: {@code root/sys/fs/cgroup/path/memory.max} and each parent's) or v1 (the
     * {@code memory} controller's line: {@code root/sys/fs/cgroup/memory/path/memory.limit_in_bytes}
     * and each parent's). Inside a container the path may not exist below the mount (the mount is
     * the container's own cgroup): the directories that exist are read, the mount's root included.
     */
    public static Cgroup cgroup(Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("proc/self/cgroup"));
        } catch (IOException | RuntimeException e) {
            return new Cgroup(-1, null);
        }
        Cgroup best = new Cgroup(-1, null);
        for (String l : lines) {
            String[] f = l.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean v1 = List.of(f[1].split(",")).contains("memory");
            boolean v2 = f[0].equals("0") && f[1].isEmpty();
            Path mount;
            String file;
            if (v1) {
                mount = root.resolve("sys/fs/cgroup/memory");
                file = "memory.limit_in_bytes";
            } else if (v2) {
                mount = root.resolve("sys/fs/cgroup");
                if (!Files.exists(mount.resolve("cgroup.controllers"))) {
                    mount = root.resolve("sys/fs/cgroup/unified"); // hybrid: v2 beside v1 (holds no memory limit where v1 has the controller)
                }
                file = "memory.max";
            } else {
                continue;
            }
            for (Path dir : along(mount, f[2])) {
                long v = read(dir.resolve(file));
                if (v > 0 && v < UNLIMITED && (best.limit < 0 || v < best.limit)) {
                    best = new Cgroup(v, "/" + root.relativize(dir.resolve(file)).toString().replace('\\', '/'));
                }
            }
        }
        return best;
    }

    /** {@code mount/path}, its parents up to {@code mount}, and {@code mount}. */
    private static List<Path> along(Path mount, String path) {
        List<Path> dirs = new ArrayList<>();
        Path p = mount;
        dirs.add(p);
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals("..") && !part.equals(".")) {
                p = p.resolve(part);
                dirs.add(p);
            }
        }
        return dirs;
    }

    /** A limit file's value in bytes; −1 for "max", a missing file or anything unreadable. */
    private static long read(Path f) {
        try {
            String s = Files.readString(f).trim();
            return s.equals("max") ? -1 : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
