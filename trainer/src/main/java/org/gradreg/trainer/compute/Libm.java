package org.gradreg.trainer.compute;

/**
 * The single-precision {@code erff} and {@code expf} that ND4J's FLOAT {@code Erf} and {@code Exp}
 * ops call on x86-64 Linux (ND4J's native library imports them from the C library, glibc), written
 * in Java so that GELU's forward and backward run as one pass over memory instead of three
 * (issue 20) without changing a bit of any result.
 *
 * <p>The algorithms are glibc's, as published in its sources (and, for erf, Sun's fdlibm before
 * it): {@code erff} evaluates rational approximations in float arithmetic on four intervals of
 * |x| and, above 1.25, two {@code expf} calls; {@code expf} (glibc ≥ 2.27) computes in double:
 * x·32/ln 2 = k + r, 2^(k/32) from a 32-entry table, a cubic in r, one rounding to float at the
 * end. glibc selects an FMA-compiled {@code expf} on CPUs with FMA; this class reproduces the
 * variant that {@link LibmTest} and the hand-run exhaustive check (every one of the 2³² float
 * inputs) found equal to ND4J's ops on the project's machines (glibc 2.36, AMD EPYC with FMA).
 * Another C library (e.g. a newer glibc with a different erff) may round some inputs
 * differently from ND4J's ops there; {@link LibmTest} compares the two on the machine it runs on.
 */
final class Libm {

    private Libm() {
    }

    /** Whether GELU uses these functions ({@code -Dgradreg.libm=false}: ND4J's ops, for benchmarks; the bits are the same). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("gradreg.libm"));
    }

    // ---- expf: x·N/ln 2 = k + r, exp(x) = 2^(k/N)·2^(r/N), N = 32 ----

    private static final int BITS = 5;
    private static final int N = 1 << BITS;
    /** tab[i] = bits(2^(i/N)) − (i << 52 − BITS). */
    private static final long[] TAB = {
        0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
        0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
        0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
        0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
        0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
        0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
        0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
        0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L,
    };
    private static final double SHIFT = 0x1.8p+52;
    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
    private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
    private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;

    /** exp(x) as glibc's expf (FMA build): x·N/ln 2 fused into its two uses, the cubic's three multiply-adds fused. */
    static float expf(float x) {
        int ix = Float.floatToRawIntBits(x);
        int abstop = (ix >>> 20) & 0x7ff;
        if (abstop >= 0x42b) { // |x| ≥ 88 or NaN
            if (ix == 0xff800000) {
                return 0f;
            }
            if (abstop >= 0x7f8) {
                return x + x;
            }
            if (x > 0x1.62e42ep6f) {
                return Float.POSITIVE_INFINITY;
            }
            if (x < -0x1.9fe368p6f) {
                return 0f;
            }
        }
        double xd = x;
        // z = x·N/ln 2 is rounded to an integer by adding and subtracting SHIFT; the FMA build fuses
        // the product into both uses (kd and r), so z itself is never rounded
        double kd = Math.fma(INV_LN2_N, xd, SHIFT);
        long ki = Double.doubleToRawLongBits(kd);
        kd -= SHIFT;
        double r = Math.fma(INV_LN2_N, xd, -kd);
        long t = TAB[(int) (ki & (N - 1))] + (ki << (52 - BITS));
        double s = Double.longBitsToDouble(t);
        double p = Math.fma(C0, r, C1);
        double r2 = r * r;
        double y = Math.fma(C2, r, 1.0);
        y = Math.fma(p, r2, y);
        return (float) (y * s);
    }

    // ---- erff (fdlibm's float version) ----

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    private static final float TINY = 1e-30f;
    private static final float ERX = f(0x3f58560b);
    private static final float EFX = f(0x3e0375d4);
    private static final float PP0 = f(0x3e0375d4);
    private static final float PP1 = f(0xbea66beb);
    private static final float PP2 = f(0xbce9528f);
    private static final float PP3 = f(0xbbbd1489);
    private static final float PP4 = f(0xb7c756b1);
    private static final float QQ1 = f(0x3ecbbbce);
    private static final float QQ2 = f(0x3d852a63);
    private static final float QQ3 = f(0x3ba68116);
    private static final float QQ4 = f(0x390aee49);
    private static final float QQ5 = f(0xb684e21a);
    private static final float PA0 = f(0xbb1acdc6);
    private static final float PA1 = f(0x3ed46805);
    private static final float PA2 = f(0xbebe9208);
    private static final float PA3 = f(0x3ea2fe54);
    private static final float PA4 = f(0xbde31cc2);
    private static final float PA5 = f(0x3d1151b3);
    private static final float PA6 = f(0xbb0df9c0);
    private static final float QA1 = f(0x3dd9f331);
    private static final float QA2 = f(0x3f0a5785);
    private static final float QA3 = f(0x3d931ae7);
    private static final float QA4 = f(0x3e013307);
    private static final float QA5 = f(0x3c5f6e13);
    private static final float QA6 = f(0x3c445aa3);
    private static final float RA0 = f(0xbc21a093);
    private static final float RA1 = f(0xbf31a0b7);
    private static final float RA2 = f(0xc128f022);
    private static final float RA3 = f(0xc2798057);
    private static final float RA4 = f(0xc322658c);
    private static final float RA5 = f(0xc3389ae7);
    private static final float RA6 = f(0xc2a2932b);
    private static final float RA7 = f(0xc11d077e);
    private static final float SA1 = f(0x419d35ce);
    private static final float SA2 = f(0x4309a863);
    private static final float SA3 = f(0x43d9486f);
    private static final float SA4 = f(0x442158c9);
    private static final float SA5 = f(0x43d6810b);
    private static final float SA6 = f(0x42d9451f);
    private static final float SA7 = f(0x40d23f7c);
    private static final float SA8 = f(0xbd777f97);
    private static final float RB0 = f(0xbc21a092);
    private static final float RB1 = f(0xbf4c9dd4);
    private static final float RB2 = f(0xc18e104b);
    private static final float RB3 = f(0xc320a2ea);
    private static final float RB4 = f(0xc41f6441);
    private static final float RB5 = f(0xc480230b);
    private static final float RB6 = f(0xc3f1c275);
    private static final float SB1 = f(0x41f2b459);
    private static final float SB2 = f(0x43a2e571);
    private static final float SB3 = f(0x44c01759);
    private static final float SB4 = f(0x4547fdbb);
    private static final float SB5 = f(0x451f90ce);
    private static final float SB6 = f(0x43ed43a7);
    private static final float SB7 = f(0xc1b38712);

    /**
     * erff's formula for 2⁻²⁸ ≤ |x| &lt; 0.84375 ({@link #nearZero}): x + x·P(x²)/Q(x²). Branch-free,
     * so a loop over it vectorises; {@link #erff} gives the same bits for those x.
     */
    static float erfNearZero(float x) {
        float z = x * x;
        float r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
        float s = 1f + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
        float y = r / s;
        return x + x * y;
    }

    /** Whether x is in the range of {@link #erfNearZero}: 2⁻²⁸ ≤ |x| &lt; 0.84375 (NaN is not). */
    static boolean nearZero(float x) {
        int ix = Float.floatToRawIntBits(x) & 0x7fffffff;
        return ix >= 0x31800000 && ix < 0x3f580000;
    }

    /**
     * 1 where x is outside {@link #erfNearZero}'s range (|x| &lt; 2^-28, |x| ≥ 0.84375, NaN, ±∞), else 0:
     * the negation of {@link #nearZero}, by integer arithmetic without a branch (the bits of |x| lie
     * in [0, 0x7fffffff], so neither difference overflows).
     */
    static int outsideNearZero(float x) {
        int ix = Float.floatToRawIntBits(x) & 0x7fffffff;
        return ((ix - 0x31800000) >>> 31) | ((0x3f57ffff - ix) >>> 31);
    }

    /** The bits of |x| where erff's middle range (0.84375 ≤ |x| &lt; 1.25, {@link #erfMiddle}) starts and ends, inclusive. */
    static final int MIDDLE_FROM = 0x3f580000;
    static final int MIDDLE_TO = 0x3f9fffff;
    /** The same for its range 1.25 ≤ |x| &lt; 1/0.35 ({@link #erfTailRatio}, {@link #erfTail}). */
    static final int TAIL_FROM = 0x3fa00000;
    static final int TAIL_TO = 0x4036DB6D;

    /**
     * 1 where from ≤ (bits of |x|) ≤ to, else 0, by integer arithmetic without a branch (from, to and the
     * bits of |x| lie in [0, 0x7fffffff], so neither difference overflows).
     */
    static int within(float x, int from, int to) {
        int ix = Float.floatToRawIntBits(x) & 0x7fffffff;
        return (((ix - from) >>> 31) | ((to - ix) >>> 31)) ^ 1;
    }

    /** 1 where 0.84375 ≤ |x| &lt; 1.25, else 0, without a branch. */
    static int middle(float x) {
        return within(x, MIDDLE_FROM, MIDDLE_TO);
    }

    /** e with the sign of x (e ≥ 0): erff's −(a + b) branches for a negative x are the negation of the positive ones, exactly. */
    static float withSignOf(float e, float x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(e) ^ (Float.floatToRawIntBits(x) & 0x80000000));
    }

    /** erf(ax) for 0.84375 ≤ ax &lt; 1.25, ax = |x|: {@link #erff}'s operations for that range and a positive x. */
    static float erfMiddle(float ax) {
        float s = ax - 1f;
        float p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
        float q = 1f + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
        return ERX + p / q;
    }

    /** 1 where 1.25 ≤ |x| &lt; 1/0.35, else 0, without a branch. */
    static int tail(float x) {
        return within(x, TAIL_FROM, TAIL_TO);
    }

    /** R(1/ax²)/S(1/ax²) for 1.25 ≤ ax &lt; 1/0.35, ax = |x|: {@link #erff}'s rational function for that range, in its operations. */
    static float erfTailRatio(float ax) {
        float s = 1f / (ax * ax);
        float bigR = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
        float bigS = 1f + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
        return bigR / bigS;
    }

    /** erf(ax) for 1.25 ≤ ax &lt; 1/0.35 from {@link #erfTailRatio}(ax): {@link #erff}'s last operations for a positive x. */
    static float erfTail(float ax, float ratio) {
        float z = Float.intBitsToFloat(Float.floatToRawIntBits(ax) & 0xfffff000);
        float r = expf(-z * z - 0.5625f) * expf((z - ax) * (z + ax) + ratio);
        return 1f - r / ax;
    }

    /** erf(x) as glibc's erff: float arithmetic throughout, in the published order of operations. */
    static float erff(float x) {
        int hx = Float.floatToRawIntBits(x);
        int ix = hx & 0x7fffffff;
        if (ix >= 0x7f800000) { // NaN, ±∞
            int i = (hx >>> 31) << 1;
            return (float) (1 - i) + 1f / x;
        }
        if (ix < 0x3f580000) { // |x| < 0.84375
            if (ix < 0x31800000) { // |x| < 2^-28
                if (ix < 0x04000000) {
                    return 0.0625f * (16.0f * x + (16.0f * EFX) * x);
                }
                return x + EFX * x;
            }
            return erfNearZero(x);
        }
        if (ix < 0x3fa00000) { // 0.84375 ≤ |x| < 1.25
            float s = Math.abs(x) - 1f;
            float p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
            float q = 1f + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
            return hx >= 0 ? ERX + p / q : -ERX - p / q;
        }
        if (ix >= 0x40c00000) { // |x| ≥ 6
            return hx >= 0 ? 1f - TINY : TINY - 1f;
        }
        float ax = Math.abs(x);
        float s = 1f / (ax * ax);
        float bigR;
        float bigS;
        if (ix < 0x4036DB6E) { // |x| < 1/0.35
            bigR = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
            bigS = 1f + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
        } else {
            bigR = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
            bigS = 1f + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
        }
        float z = Float.intBitsToFloat(Float.floatToRawIntBits(ax) & 0xfffff000);
        float r = expf(-z * z - 0.5625f) * expf((z - ax) * (z + ax) + bigR / bigS);
        return hx >= 0 ? 1f - r / ax : r / ax - 1f;
    }
}
