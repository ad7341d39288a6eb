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

    /**
     * The one-pass GELU's split of erff's ranges (issue 20): the branch-free range tests equal the
     * comparisons they replace, and erff's middle range and its range 1.25 ≤ |x| &lt; 1/0.35, evaluated
     * over |x| with the sign put back, equal erff on every float of those ranges (both signs); the
     * range tests also on the ranges' neighbours, specials included.
     */
    @Test
    void erfRangeSplitEqualsErff() {
        for (int ix = 0x3f580000; ix < 0x3fa00000; ix++) {
            for (int sign : new int[] {0, 0x80000000}) {
                float x = Float.intBitsToFloat(ix | sign);
                assertEquals(1, Libm.middle(x));
                assertEquals(1, Libm.outsideNearZero(x));
                float e = Float.intBitsToFloat(Float.floatToRawIntBits(Libm.erfMiddle(Math.abs(x))) ^ (Float.floatToRawIntBits(x) & 0x80000000));
                if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(Libm.erff(x))) {
                    throw new AssertionError("erf's middle range at " + x + ": " + e + " vs erff " + Libm.erff(x));
                }
            }
        }
        for (int ix = 0x3fa00000; ix < 0x4036DB6E; ix++) {
            for (int sign : new int[] {0, 0x80000000}) {
                float x = Float.intBitsToFloat(ix | sign);
                assertEquals(1, Libm.tail(x));
                assertEquals(0, Libm.middle(x));
                float ax = Math.abs(x);
                float e = Float.intBitsToFloat(Float.floatToRawIntBits(Libm.erfTail(ax, Libm.erfTailRatio(ax))) ^ (Float.floatToRawIntBits(x) & 0x80000000));
                if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(Libm.erff(x))) {
                    throw new AssertionError("erf's range 1.25 ≤ |x| < 1/0.35 at " + x + ": " + e + " vs erff " + Libm.erff(x));
                }
            }
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int[] edges = {0, 1, 0x04000000, 0x31800000, 0x3f580000, 0x3fa00000, 0x4036DB6E, 0x4036DB6D, 0x40c00000, 0x7f7fffff, 0x7f800000, 0x7fc00000,
                0x7fffffff};
        for (int k = 0; k < 2_000_000; k++) {
            int raw = k < 4 * edges.length * 64 ? edges[k / 256 % edges.length] + (k % 64) - 32 : r.nextInt();
            int bits = raw ^ (k % 2 == 0 ? 0 : 0x80000000);
            float x = Float.intBitsToFloat(bits);
            int ix = bits & 0x7fffffff;
            assertEquals(Libm.nearZero(x) ? 0 : 1, Libm.outsideNearZero(x), () -> "outsideNearZero(" + Integer.toHexString(bits) + ")");
            assertEquals(ix >= 0x3f580000 && ix < 0x3fa00000 ? 1 : 0, Libm.middle(x), () -> "middle(" + Integer.toHexString(bits) + ")");
            assertEquals(ix >= 0x3fa00000 && ix < 0x4036DB6E ? 1 : 0, Libm.tail(x), () -> "tail(" + Integer.toHexString(bits) + ")");
        }
    }

    /** The one-pass FLOAT GELU forward equals (erff(x/√2) + 1)/2 and x times it, element by element, on every range of erff. */
    @Test
    void fusedGeluForwardEqualsErffElementByElement() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        int n = 3 * 4096 + 77;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 1e-3));
        }
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 1.1932427f, -1.1932427f, 1.7677670f, -1.7677670f, 9f, -9f};
        System.arraycopy(special, 0, v, 100, special.length);
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(v);
        org.nd4j.linalg.api.ndarray.INDArray cdf = x.ulike();
        org.nd4j.linalg.api.ndarray.INDArray y = x.ulike();
        HostKernels.geluForwardFused(x, cdf, y);
        float s2 = (float) (1 / Math.sqrt(2));
        for (int i = 0; i < n; i++) {
            float c = (Libm.erff(v[i] * s2) + 1f) * 0.5f;
            float yy = v[i] * c;
            final int k = i;
            assertEquals(Float.floatToRawIntBits(c), Float.floatToRawIntBits(cdf.getFloat(i)), () -> "cdf at " + v[k]);
            assertEquals(Float.floatToRawIntBits(yy), Float.floatToRawIntBits(y.getFloat(i)), () -> "y at " + v[k]);
        }
    }
}
