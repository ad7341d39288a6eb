package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Libm#erff} and {@link Libm#expf} against ND4J's FLOAT Erf and Exp ops (the C library's
 * functions) on this machine, bit for bit: two million random bit patterns (every sign, exponent,
 * NaN and infinity among them), every float of the GELU range [−8, 8] whose low 12 bits are a
 * fixed pattern, and every float within 64 ulps of each boundary between the algorithms' branches
 * (erff's 2⁻²⁸, 0.84375, 1.25, 1/0.35, 6; expf's ±88 and its overflow and underflow limits), and
 * the two inputs where an expf that rounds x·32/ln 2 before using it differs. The
 * hand-run {@link LibmExhaustive} checked all 2³² inputs of both (0 differences, glibc 2.36).
 */
class LibmTest {

    @Test
    void erffAndExpfEqualNd4jsOps() {
        List<Float> xs = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(20261207);
        for (int i = 0; i < 2_000_000; i++) {
            xs.add(Float.intBitsToFloat(r.nextInt()));
        }
        for (int b = Float.floatToRawIntBits(0f); b <= Float.floatToRawIntBits(8f); b += 4096) {
            xs.add(Float.intBitsToFloat(b + 0x5a5));
            xs.add(-Float.intBitsToFloat(b + 0x5a5));
        }
        float[] edges = {0x1p-28f, 0x1p-120f, 0.84375f, 1.25f, Float.intBitsToFloat(0x4036DB6E), 6f, 88f, 0x1.62e42ep6f, 0x1.9fe368p6f,
            0x1.9d1d9ep6f, 1f};
        for (float e : edges) {
            for (int d = -64; d <= 64; d++) {
                float v = Float.intBitsToFloat(Float.floatToRawIntBits(e) + d);
                xs.add(v);
                xs.add(-v);
            }
        }
        // the two inputs (of 2^32) where expf without the fused x·N/ln 2 rounds differently (found by LibmExhaustive)
        xs.add(Float.intBitsToFloat(0x4202422f));
        xs.add(Float.intBitsToFloat(0xc27c65d9));
        xs.add(Float.POSITIVE_INFINITY);
        xs.add(Float.NEGATIVE_INFINITY);
        xs.add(Float.NaN);
        xs.add(0f);
        xs.add(-0f);
        float[] x = new float[xs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = xs.get(i);
        }
        INDArray in = Nd4j.createFromArray(x);
        INDArray erf = in.ulike();
        INDArray exp = in.ulike();
        Nd4j.exec(new Erf(in, erf));
        Nd4j.exec(new Exp(in, exp));
        float[] wantErf = erf.toFloatVector();
        float[] wantExp = exp.toFloatVector();
        int badErf = 0;
        int badExp = 0;
        String first = "";
        for (int i = 0; i < x.length; i++) {
            if (!same(wantErf[i], Libm.erff(x[i]))) {
                first = badErf + badExp == 0 ? String.format("erf(%a): ND4J %a, Libm %a", x[i], wantErf[i], Libm.erff(x[i])) : first;
                badErf++;
            }
            if (!same(wantExp[i], Libm.expf(x[i]))) {
                first = badErf + badExp == 0 ? String.format("exp(%a): ND4J %a, Libm %a", x[i], wantExp[i], Libm.expf(x[i])) : first;
                badExp++;
            }
        }
        assertEquals(0, badErf + badExp, badErf + " erf and " + badExp + " exp results of " + x.length + " differ from ND4J's ops; first: " + first);
    }

    private static boolean same(float want, float got) {
        return Float.isNaN(want) ? Float.isNaN(got) : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got);
    }
}
