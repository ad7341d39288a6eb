package org.gradreg.trainer.compute;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-run check, not a test: {@link Libm#erff} and {@link Libm#expf} against ND4J's FLOAT Erf
 * and Exp ops on every float bit pattern (or {@code main FN FROM TO} for a range of bit patterns,
 * hexadecimal, TO exclusive), bit for bit (NaN results compared as NaN). Prints the count of
 * differing inputs and the first few. About a minute per function on one core.
 */
public final class LibmExhaustive {

    private LibmExhaustive() {
    }

    public static void main(String[] a) {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        String fn = a[0];
        long from = a.length > 1 ? Long.parseLong(a[1], 16) : 0L;
        long to = a.length > 2 ? Long.parseLong(a[2], 16) : 1L << 32;
        int chunk = 1 << 22;
        INDArray in = Nd4j.create(DataType.FLOAT, chunk);
        INDArray out = Nd4j.create(DataType.FLOAT, chunk);
        FloatBuffer ib = in.data().asNioFloat();
        FloatBuffer ob = out.data().asNioFloat();
        long bad = 0;
        long checked = 0;
        long t0 = System.nanoTime();
        for (long start = from; start < to; start += chunk) {
            int n = (int) Math.min(chunk, to - start);
            for (int i = 0; i < n; i++) {
                ib.put(i, Float.intBitsToFloat((int) (start + i)));
            }
            for (int i = n; i < chunk; i++) {
                ib.put(i, 0f);
            }
            Nd4j.exec(fn.equals("erf") ? new Erf(in, out) : new Exp(in, out));
            for (int i = 0; i < n; i++) {
                float x = ib.get(i);
                float want = ob.get(i);
                float got = fn.equals("erf") ? Libm.erff(x) : Libm.expf(x);
                boolean same = Float.isNaN(want) ? Float.isNaN(got) : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got);
                if (!same) {
                    if (bad < 12) {
                        System.out.printf("%s(%a) [0x%08x]: ND4J %a [0x%08x], Libm %a [0x%08x]%n", fn, x, Float.floatToRawIntBits(x), want,
                                Float.floatToRawIntBits(want), got, Float.floatToRawIntBits(got));
                    }
                    bad++;
                }
            }
            checked += n;
        }
        System.out.printf("%s: %d of %d inputs differ (%.1f s)%n", fn, bad, checked, (System.nanoTime() - t0) / 1e9);
    }
}
