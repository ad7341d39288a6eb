package org.gradreg.trainer.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * That equality is a property of the machine's C library, so it is checked where a probe of a few
 * inputs finds ND4J's ops computing glibc 2.36's functions (FMA build), and skipped, saying so,
 * elsewhere; the accuracy of both against independent double-precision values holds everywhere.
 */
class LibmTest {

    /** A few inputs from every branch of erff and expf, and expf's two FMA-sensitive inputs. */
    private static final float[] PROBES = {0.3f, -0.7f, 1.1f, -1.6f, 2.2f, -3.5f, 5.9f, Float.intBitsToFloat(0x4202422f),
        Float.intBitsToFloat(0xc27c65d9), -9.25f, 0.01f};

    /**
     * Whether ND4J's FLOAT Erf and Exp ops compute what {@link Libm} computes on the probe inputs,
     * i.e. whether this machine's C library is the one Libm reproduces (used by this class and
     * {@link HostKernelsTest}: elsewhere the fused GELU keeps glibc 2.36's bits, which the ND4J form
     * there does not have).
     */
    static boolean cLibraryIsLibms() {
        INDArray in = Nd4j.createFromArray(PROBES);
        INDArray erf = in.ulike();
        INDArray exp = in.ulike();
        Nd4j.exec(new Erf(in, erf));
        Nd4j.exec(new Exp(in, exp));
        for (int i = 0; i < PROBES.length; i++) {
            if (!same(erf.getFloat(i), Libm.erff(PROBES[i])) || !same(exp.getFloat(i), Libm.expf(PROBES[i]))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void erffAndExpfAreAccurate() {
        // against double-precision values from elsewhere (Commons Math's erf, Java's Math.exp), in float ulps of the
        // result: glibc documents erff within 1-2 ulps and expf within 0.502
        SplittableRandom r = new SplittableRandom(7);
        double worstErf = 0;
        double worstExp = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = (float) ((r.nextDouble() * 2 - 1) * (i % 2 == 0 ? 8 : 1));
            double e = org.apache.commons.math3.special.Erf.erf(x);
            worstErf = Math.max(worstErf, Math.abs(Libm.erff(x) - e) / Math.ulp((float) e));
            float y = (float) ((r.nextDouble() * 2 - 1) * 100);
            double ex = Math.exp(y);
            if (ex < Float.MAX_VALUE && ex > Float.MIN_NORMAL) {
                worstExp = Math.max(worstExp, Math.abs(Libm.expf(y) - ex) / Math.ulp((float) ex));
            }
        }
        assertTrue(worstErf <= 2, "erff within 2 ulps: worst " + worstErf);
        assertTrue(worstExp <= 1, "expf within 1 ulp: worst " + worstExp);
        assertEquals(Float.POSITIVE_INFINITY, Libm.expf(89f));
        assertEquals(0f, Libm.expf(-104f));
        assertEquals(1f, Libm.erff(7f));
        assertEquals(-1f, Libm.erff(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Libm.erff(Float.NaN)) && Float.isNaN(Libm.expf(Float.NaN)));
    }

    @Test
    void erffAndExpfEqualNd4jsOps() {
        assumeTrue(cLibraryIsLibms(), "ND4J's Erf/Exp ops on this machine are not glibc 2.36's erff/expf (FMA build): a probe differs");
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
