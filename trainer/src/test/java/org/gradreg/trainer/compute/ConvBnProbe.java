package org.gradreg.trainer.compute;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Hand-run probe: batch norm's forward right after a convolution by im2col or Winograd, alternating. Args: batch in h w out threads reps. */
public final class ConvBnProbe {
    private ConvBnProbe() {
    }

    public static void main(String[] a) {
        int b = Integer.parseInt(a[0]);
        int in = Integer.parseInt(a[1]);
        int h = Integer.parseInt(a[2]);
        int wd = Integer.parseInt(a[3]);
        int out = Integer.parseInt(a[4]);
        int threads = Integer.parseInt(a[5]);
        int reps = Integer.parseInt(a[6]);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        CpuBackend.blasThreads(threads);
        ConvShape s = new ConvShape(b, in, h, wd, out, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(1);
        INDArray x = WinogradBench.rand(r, b, in, h, wd);
        INDArray w = WinogradBench.rand(r, 3, 3, in, out);
        INDArray y = Nd4j.create(DataType.FLOAT, b, out, h, wd);
        INDArray xhat = Nd4j.create(DataType.FLOAT, b, out, h, wd);
        INDArray z = Nd4j.create(DataType.FLOAT, b, out, h, wd);
        double[] mean = new double[out], var = new double[out], rstd = new double[out], gamma = new double[out], beta = new double[out];
        java.util.Arrays.fill(gamma, 1);
        try (CpuBackend bi = new CpuBackend(DataType.FLOAT); CpuBackend bw = new CpuBackend(DataType.FLOAT)) {
            bi.convolutions("im2col");
            bw.convolutions("winograd");
            Tensor tx = CpuBackend.wrap(x);
            Tensor tw = CpuBackend.wrap(w);
            Tensor ty = CpuBackend.wrap(y);
            String[] names = {"im2col", "winograd", "im2col+copy", "winograd+copy"};
            double[][] conv = new double[4][reps];
            double[][] bn = new double[4][reps];
            for (int k = 0; k < reps; k++) {
                for (int v = 0; v < 4; v++) {
                    long t0 = System.nanoTime();
                    (v % 2 == 0 ? bi : bw).conv2d(s, tx, tw, ty);
                    if (v >= 2) {
                        z.assign(y); y.assign(z); // rewrite y with ND4J's copy
                    }
                    long t1 = System.nanoTime();
                    BatchNormKernels.forward(y, xhat, z, null, mean, var, rstd, gamma, beta, false, 1e-5, true);
                    long t2 = System.nanoTime();
                    conv[v][k] = (t1 - t0) / 1e6;
                    bn[v][k] = (t2 - t1) / 1e6;
                }
            }
            for (int v = 0; v < 4; v++) {
                java.util.Arrays.sort(conv[v]);
                java.util.Arrays.sort(bn[v]);
                System.out.printf("%-14s conv %7.2f ms   bn forward %7.2f ms (median; min %.2f)%n", names[v], conv[v][reps / 2], bn[v][reps / 2], bn[v][0]);
            }
        }
    }
}
