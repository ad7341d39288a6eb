package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void aboveCollectsPastHeapPlusAllowanceAndRaisesTheThresholdForLiveMemory() {
        int[] gcs = {0};
        long huge = 1L << 50;
        // above the threshold, still above after the collection (live arrays): the threshold moves up,
        // so the same level does not collect again
        Scripted p = new Scripted(huge, huge, huge);
        NativeMemory.Above a = new NativeMemory.Above(p, 1L << 30, () -> gcs[0]++);
        assertTrue(a.collectIfAbove());
        assertFalse(a.collectIfAbove());
        assertEquals(1, gcs[0]);
        assertEquals(1, a.collections());
        assertFalse(new NativeMemory.Above(new Scripted(0), 0, () -> gcs[0]++).collectIfAbove());
        assertEquals(1, gcs[0]);
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
