package org.gradreg.optim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory of the host or of one device, as gradreg measures it: what this process uses there
 * and what can still be given. It is the one probe that the trainer's memory budget (a run's
 * estimate against what is available, on the host or on the GPU the model runs on) and the
 * garbage-collection policy ({@link NativeMemory}: after each optimizer step and before each
 * batch of a network's oracle) read. {@link #host()} is the host's; a compute backend gives its
 * device's (the trainer's {@code Backend.memory()}: the host's on the CPU).
 */
public interface MemoryProbe {

    /** Where the memory is: {@code host}, or the device (e.g. {@code NVIDIA H200 (cuda:0, sm_90, 139.8 GiB)}). */
    String where();

    /**
     * Bytes this process uses there, or −1 if unknown: on the host its resident memory (JavaCPP's
     * {@code Pointer.physicalBytes()}, the RSS: the Java heap, ND4J's arrays and the native
     * libraries); on a GPU the device memory in use (total − free).
     */
    long usedBytes();

    /** Bytes that can still be given there, or −1 if unknown: MemAvailable of /proc/meminfo on the host, free memory on a GPU. */
    long availableBytes();

    /** The host's memory. */
    static MemoryProbe host() {
        return Host.PROBE;
    }

    /** MemAvailable of a {@code /proc/meminfo}-format file, in bytes, or −1 if the file or the line is missing. */
    static long memAvailable(Path meminfo) {
        try {
            for (String l : Files.readAllLines(meminfo)) {
                if (l.startsWith("MemAvailable:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The host's probe: resident memory through JavaCPP, free memory from /proc/meminfo (Linux). */
    final class Host implements MemoryProbe {

        static final Host PROBE = new Host();

        private Host() {
        }

        @Override
        public String where() {
            return "host";
        }

        @Override
        public long usedBytes() {
            return org.bytedeco.javacpp.Pointer.physicalBytes();
        }

        @Override
        public long availableBytes() {
            return memAvailable(Path.of("/proc/meminfo"));
        }
    }
}
