package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory probe and the two garbage-collection policies that read it (issue 19 item 4). */
class NativeMemoryTest {

    /** A probe that reports the used bytes it is given, one per read. */
    private static final class Scripted implements MemoryProbe {
        final Deque<Long> used = new ArrayDeque<>();

        Scripted(long... values) {
            for (long v : values) {
                used.add(v);
            }
        }

        @Override
        public String where() {
            return "scripted";
        }

        @Override
        public long usedBytes() {
            return used.remove();
        }

        @Override
        public long availableBytes() {
            return -1;
        }
    }

    @Test
    void growthCollectsOnceUsedMemoryGrewBySlackAndRereadsTheLevelAfterwards() {
        int[] gcs = {0};
        Scripted p = new Scripted(1000, 1100, 1101, 900, 1000, 1001, 1050, 1151);
        NativeMemory.Growth g = new NativeMemory.Growth(p, 100, () -> gcs[0]++);
        List<Boolean> collected = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            collected.add(g.collectIfGrown());
        }
        // 1000: the first level; 1100: within the slack; 1101: grown by more, collect; 900: the level
        // after a collection, read one call later; 1000: within 900 + 100; 1001: grown, collect;
        // 1050: the new level; 1151: grown, collect
        assertEquals(List.of(false, false, true, false, false, true, false, true), collected);
        assertEquals(3, gcs[0]);
        assertTrue(p.used.isEmpty());
    }

    /**
     * Memory that stays high after a collection (live arrays) becomes the new level: the same level
     * does not collect again, only a further growth by the slack does.
     */
    @Test
    void growthDoesNotRepeatCollectionsForLiveMemory() {
        int[] gcs = {0};
        long huge = 1L << 40;
        Scripted p = new Scripted(0, huge, huge, huge, huge, 2 * huge);
        NativeMemory.Growth g = new NativeMemory.Growth(p, 1L << 30, () -> gcs[0]++);
        List<Boolean> collected = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            collected.add(g.collectIfGrown());
        }
        // 0: the first level; huge: grown, collect; huge (after): the new level; huge, huge: no growth; 2·huge: grown
        assertEquals(List.of(false, true, false, false, false, true), collected);
        assertEquals(2, gcs[0]);
        assertEquals(2, g.collections());
    }

    @Test
    void theHostProbeReadsResidentMemoryAndMemAvailable(@TempDir Path dir) throws Exception {
        MemoryProbe h = MemoryProbe.host();
        assertEquals("host", h.where());
        long rss = org.bytedeco.javacpp.Pointer.physicalBytes();
        assertTrue(h.usedBytes() > 0 && Math.abs(h.usedBytes() - rss) < (256L << 20), h.usedBytes() + " vs " + rss);
        if (Files.exists(Path.of("/proc/meminfo"))) {
            assertTrue(h.availableBytes() > 0);
        }
        Path m = dir.resolve("meminfo");
        Files.writeString(m, "MemTotal:       16000000 kB\nMemAvailable:    1234567 kB\n");
        assertEquals(1234567L * 1024, MemoryProbe.memAvailable(m));
        Files.writeString(m, "MemTotal:       16000000 kB\n");
        assertEquals(-1, MemoryProbe.memAvailable(m));
        assertEquals(-1, MemoryProbe.memAvailable(dir.resolve("absent")));
    }
}
