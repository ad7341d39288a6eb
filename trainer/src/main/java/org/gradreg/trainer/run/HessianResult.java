package org.gradreg.trainer.run;

import java.util.Locale;

/**
 * What {@code gradreg hessian} measured on a run's last checkpoint, as {@value RunDir#HESSIAN}
 * holds it: the top Hessian eigenvalues and the Hutchinson trace on one fixed training batch.
 *
 * @param run                   the run directory
 * @param batch                 images in the fixed batch
 * @param topEigenvalues        the top eigenvalues, largest first
 * @param trace                 the trace estimate
 * @param traceStandardError    its standard error over the Rademacher vectors
 * @param traceSamples          Rademacher vectors used
 * @param hessianVectorProducts Hessian-vector products computed in all
 * @param seconds               wall time
 */
public record HessianResult(String run, int batch, double[] topEigenvalues, double trace, double traceStandardError, int traceSamples,
                            long hessianVectorProducts, double seconds) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "top eigenvalues %s, trace %.4g ± %.2g (%d Rademacher vectors), %d HVPs, %.1f s",
                java.util.Arrays.toString(topEigenvalues), trace, traceStandardError, traceSamples, hessianVectorProducts, seconds);
    }
}
