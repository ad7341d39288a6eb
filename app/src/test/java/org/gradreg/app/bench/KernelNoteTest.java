package org.gradreg.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark report's note on an OpenBLAS kernel without AVX-512 on an AVX-512 CPU. */
class KernelNoteTest {

    @Test
    void notesAnAvx2KernelOnAnAvx512CpuOnly() {
        assertTrue(TrainerBenchmark.kernelNote("Haswell", true).contains("without AVX-512"));
        assertTrue(TrainerBenchmark.kernelNote("Zen", true).contains("without AVX-512"));
        assertEquals("", TrainerBenchmark.kernelNote("Haswell", false), "no AVX-512 on the CPU: nothing to note");
        assertEquals("", TrainerBenchmark.kernelNote("SkylakeX", true));
        assertEquals("", TrainerBenchmark.kernelNote("cooperlake", true), "kernel names are case-insensitive");
        assertEquals("", TrainerBenchmark.kernelNote(null, true), "unset: OpenBLAS (or the launcher) chooses");
        assertEquals("", TrainerBenchmark.kernelNote(" ", true));
    }
}
