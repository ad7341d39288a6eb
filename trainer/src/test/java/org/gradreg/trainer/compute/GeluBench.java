package org.gradreg.trainer.compute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-run timing, not a test: the CPU backend's FLOAT GELU forward and backward on N(0, 1)
 * inputs ({@code main ELEMENTS ROUNDS}), with {@link Libm} (one pass) and with ND4J's ops
 * ({@code -Dgradreg.libm=false} form), alternating, thread CPU per element (one thread).
 */
public final class GeluBench {

    private GeluBench() {
    }

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int rounds = Integer.parseInt(a[1]);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
        }
        INDArray x = Nd4j.createFromArray(v);
        INDArray dy0 = Nd4j.createFromArray(g);
        INDArray cdf = x.ulike();
        INDArray y = x.ulike();
        INDArray dy = x.ulike();
        INDArray tmp = x.ulike();
        CpuBackend be = new CpuBackend(DataType.FLOAT);
        for (int round = 0; round < 6; round++) {
            for (String libm : new String[] {"true", "false"}) {
                System.setProperty("gradreg.libm", libm);
                long f = 0;
                long b = 0;
                for (int k = 0; k < rounds; k++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    be.geluForward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(y));
                    long t1 = mx.getCurrentThreadCpuTime();
                    dy.assign(dy0);
                    long t2 = mx.getCurrentThreadCpuTime();
                    be.geluBackward(CpuBackend.wrap(x), CpuBackend.wrap(cdf), CpuBackend.wrap(dy), CpuBackend.wrap(tmp));
                    long t3 = mx.getCurrentThreadCpuTime();
                    f += t1 - t0;
                    b += t3 - t2;
                }
                if (round > 0) {
                    System.out.printf("libm=%s: forward %.2f ns, backward %.2f ns an element%n", libm, (double) f / rounds / n, (double) b / rounds / n);
                }
            }
        }
    }
}
